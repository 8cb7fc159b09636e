#!/usr/bin/env node
// A second app that signs its users in through the platform (docs/sso.md): a plain Node server and
// oauth4webapi, nothing else. Start the platform (`npm run dev`), register this app as a client,
// then: CLIENT_ID=... CLIENT_SECRET=... node examples/sso-app/app.mjs
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import * as oauth from "oauth4webapi";

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(response, body, status = 200) {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
    "cache-control": "no-store",
  });
  response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Notes</title></head><body>${body}</body></html>`);
}

function cookieOf(request, name) {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/**
 * Starts the example app on `port`. Its sessions live in memory (a real app keeps them in its own
 * store). Returns its URL and a way to stop it.
 *
 * @param {{ issuer: string, clientId: string, clientSecret?: string, port: number, host?: string }} options
 */
export async function startRelyingParty({ issuer, clientId, clientSecret, port, host = "127.0.0.1" }) {
  const issuerUrl = new URL(issuer);
  // Only for a platform on plain http (local development).
  const options = { [oauth.allowInsecureRequests]: issuerUrl.protocol === "http:" };
  const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { ...options, algorithm: "oidc" }));
  const client = { client_id: clientId };
  const clientAuth = clientSecret ? oauth.ClientSecretBasic(clientSecret) : oauth.None();
  const origin = `http://${host}:${port}`;
  const redirectUri = `${origin}/callback`;
  /** Sign-ins under way, by state: the PKCE verifier and nonce. */
  const pending = new Map();
  /** Signed-in browsers, by this app's own session cookie. */
  const sessions = new Map();

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", origin);
    try {
      if (url.pathname === "/") {
        const session = sessions.get(cookieOf(request, "notes_session"));
        if (!session) return page(response, `<h1>Notes</h1><p>You are signed out.</p><p><a href="/login">Sign in with the platform</a></p>`);
        return page(
          response,
          `<h1>Notes</h1><p id="who">Signed in as ${escapeHtml(session.claims.email ?? session.claims.sub)}</p><p><a id="logout" href="/logout">Sign out</a></p>`,
        );
      }
      if (url.pathname === "/login") {
        const codeVerifier = oauth.generateRandomCodeVerifier();
        const state = oauth.generateRandomState();
        const nonce = oauth.generateRandomNonce();
        pending.set(state, { codeVerifier, nonce });
        const authorize = new URL(as.authorization_endpoint);
        authorize.searchParams.set("client_id", clientId);
        authorize.searchParams.set("redirect_uri", redirectUri);
        authorize.searchParams.set("response_type", "code");
        authorize.searchParams.set("scope", "openid profile email");
        authorize.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
        authorize.searchParams.set("code_challenge_method", "S256");
        authorize.searchParams.set("state", state);
        authorize.searchParams.set("nonce", nonce);
        response.writeHead(302, { location: authorize.toString() });
        return response.end();
      }
      if (url.pathname === "/callback") {
        const started = pending.get(url.searchParams.get("state"));
        if (!started) return page(response, "<p>This sign-in expired; <a href='/login'>start again</a>.</p>", 400);
        pending.delete(url.searchParams.get("state"));
        const params = oauth.validateAuthResponse(as, client, url, url.searchParams.get("state"));
        const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, started.codeVerifier, options);
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, { expectedNonce: started.nonce, requireIdToken: true });
        const id = randomBytes(32).toString("base64url");
        sessions.set(id, { claims: oauth.getValidatedIdTokenClaims(tokens), tokens });
        response.writeHead(303, { location: "/", "set-cookie": `notes_session=${id}; HttpOnly; SameSite=Lax; Path=/` });
        return response.end();
      }
      if (url.pathname === "/logout") {
        const id = cookieOf(request, "notes_session");
        const session = sessions.get(id);
        sessions.delete(id);
        const end = new URL(as.end_session_endpoint);
        if (session) end.searchParams.set("id_token_hint", session.tokens.id_token);
        end.searchParams.set("client_id", clientId);
        end.searchParams.set("post_logout_redirect_uri", `${origin}/`);
        response.writeHead(302, { location: end.toString(), "set-cookie": "notes_session=; Max-Age=0; Path=/" });
        return response.end();
      }
      page(response, "<p>Not found</p>", 404);
    } catch (error) {
      // The platform's refusal (an OAuth error) is shown by its code, never with the library's text.
      page(response, `<p>Sign-in failed: ${escapeHtml(error?.error ?? error?.code ?? "error")}</p><p><a href="/login">Try again</a></p>`, 400);
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  return {
    url: origin,
    redirectUri,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { CLIENT_ID, CLIENT_SECRET, ISSUER = "http://localhost:8787", PORT = "3000" } = process.env;
  if (!CLIENT_ID) {
    console.error("Set CLIENT_ID (and CLIENT_SECRET for a confidential client): see examples/sso-app/README.md");
    process.exit(1);
  }
  const app = await startRelyingParty({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, port: Number(PORT), host: "localhost" });
  console.log(`Notes (example app) on ${app.url}, signing in through ${ISSUER}`);
}
