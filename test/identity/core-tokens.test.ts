import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, importJWK } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { issueAccessToken, verifyAccessToken } from "../../shared/identity/tokens/access-tokens";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser } from "../helpers";
import { testDeps } from "../kit/deps";

afterEach(() => clock.reset());

const currentKey = () => JSON.parse(testDeps().config.jwt.signingKeys!)[0];
const me = (token: string) => api("/v1/me", { token });

describe("access tokens", () => {
  it("are ES256 JWTs with kid and the claims sub sid iat exp iss aud jti, valid 15 minutes", async () => {
    const user = await registerUser();
    const header = decodeProtectedHeader(user.accessToken);
    expect(header).toMatchObject({ alg: "ES256", kid: "test-current" });
    const claims = decodeJwt(user.accessToken);
    expect(claims).toMatchObject({ sub: user.id, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE });
    expect(typeof claims.sid).toBe("string");
    expect(typeof claims.jti).toBe("string");
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it("verify against the published JWKS", async () => {
    const user = await registerUser();
    const jwks = await json(await api("/.well-known/jwks.json"));
    // Beside the ES256 key: the OpenID Connect provider's RS256 key (docs/sso.md).
    expect(jwks.keys.map((key: { alg: string }) => key.alg)).toEqual(["ES256", "RS256"]);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", kid: "test-current", alg: "ES256", use: "sig" });
    expect(jwks.keys.every((key: { d?: string }) => key.d === undefined)).toBe(true);
    const { jwtVerify, createLocalJWKSet } = await import("jose");
    const { payload } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks), { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE });
    expect(payload.sub).toBe(user.id);
  });

  it("expire after their lifetime", async () => {
    const user = await registerUser();
    expect((await me(user.accessToken)).status).toBe(200);
    clock.advance(901_000);
    await expectProblem(await me(user.accessToken), 401, "invalid_token");
  });
});

describe("forged tokens are refused with 401", () => {
  it("alg none", async () => {
    const user = await registerUser();
    const claims = decodeJwt(user.accessToken);
    const unsigned = new UnsecuredJWT({ ...claims }).encode();
    await expectProblem(await me(unsigned), 401, "invalid_token");
  });

  it("HS256 signed with the public key as the secret (algorithm confusion)", async () => {
    const user = await registerUser();
    const { d: _d, ...publicJwk } = currentKey();
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const forged = await new SignJWT({ ...decodeJwt(user.accessToken) }).setProtectedHeader({ alg: "HS256", kid: "test-current", typ: "at+jwt" }).sign(secret);
    await expectProblem(await me(forged), 401, "invalid_token");
  });

  it("a tampered payload", async () => {
    const [header, payload, signature] = (await registerUser()).accessToken.split(".");
    const other = await registerUser();
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const tampered = btoa(JSON.stringify({ ...claims, sub: other.id }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    await expectProblem(await me(`${header}.${tampered}.${signature}`), 401, "invalid_token");
  });

  it("a refresh token used as an access token", async () => {
    const user = await registerUser();
    await expectProblem(await me(user.refreshToken), 401, "invalid_token");
  });

  it("a token signed by a key we do not publish", async () => {
    const user = await registerUser();
    const stranger = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const forged = await new SignJWT({ ...decodeJwt(user.accessToken) })
      .setProtectedHeader({ alg: "ES256", kid: "test-current", typ: "at+jwt" })
      .sign((stranger as CryptoKeyPair).privateKey);
    await expectProblem(await me(forged), 401, "invalid_token");
  });

  it("a token for another audience or issuer", async () => {
    const user = await registerUser();
    const key = await importJWK(currentKey(), "ES256");
    const claims = decodeJwt(user.accessToken);
    for (const change of [{ aud: "someone-else" }, { iss: "https://evil.example" }]) {
      const forged = await new SignJWT({ ...claims, ...change }).setProtectedHeader({ alg: "ES256", kid: "test-current", typ: "at+jwt" }).sign(key);
      await expectProblem(await me(forged), 401, "invalid_token");
    }
  });

  it("garbage and missing tokens", async () => {
    await expectProblem(await me("not.a.jwt"), 401, "invalid_token");
    await expectProblem(await api("/v1/me"), 401, "unauthorized");
    await expectProblem(await api("/v1/me", { headers: { authorization: "Basic abc" } }), 401, "unauthorized");
  });
});

describe("signing key rotation", () => {
  it("tokens of the old key stay valid while the new key signs, and the JWKS lists both", async () => {
    const user = await registerUser();
    const oldToken = user.accessToken;
    const claims = decodeJwt(oldToken);
    const rotatedKeys = JSON.stringify([JSON.parse(env.TEST_NEXT_SIGNING_KEY!), currentKey()]);
    const rotated = testDeps({ vars: { JWT_SIGNING_KEYS: rotatedKeys } });
    const newToken = await issueAccessToken(rotated, user.id, claims.sid as string);
    expect(decodeProtectedHeader(newToken).kid).toBe("test-next");
    expect(await verifyAccessToken(rotated, newToken)).toMatchObject({ sub: user.id });
    expect(await verifyAccessToken(rotated, oldToken)).toMatchObject({ sub: user.id });
    // A keyring that does not (yet) know the new key refuses its tokens.
    expect(await verifyAccessToken(testDeps(), newToken)).toBeNull();
    const { signingKeyring } = await import("../../shared/identity/tokens/signing-keys");
    const { keys } = await signingKeyring(rotatedKeys);
    expect(keys.map((k) => k.kid)).toEqual(["test-next", "test-current"]);
  });

  it("a retired key without its private part only verifies", async () => {
    const user = await registerUser();
    const { d: _d, ...retired } = currentKey();
    const keys = testDeps({ vars: { JWT_SIGNING_KEYS: JSON.stringify([retired, JSON.parse(env.TEST_NEXT_SIGNING_KEY!)]) } });
    expect(await verifyAccessToken(keys, user.accessToken)).toMatchObject({ sub: user.id });
    const fresh = await issueAccessToken(keys, user.id, "sid");
    expect(decodeProtectedHeader(fresh).kid).toBe("test-next");
  });
});
