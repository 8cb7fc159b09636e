import type { ClientInfo } from "../identity/sessions/client-info";
import { login } from "../identity/sessions/login";
import { countLoginResult } from "../identity/sessions/login-results";
import { completeMfaLogin } from "../identity/mfa/mfa-login";
import type { Deps } from "../platform/deps-types";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { finishPasskeyLogin } from "../identity/passkeys/passkey-login";
import { clientRedirectUris } from "./clients";
import { findClient } from "./records";

/**
 * The hosted sign-in is identity's own login (rate limits, lockout, 2FA, audit events, new-device
 * notice): it starts a platform session like any other, whose id the browser cookie carries. Its
 * refresh token is never handed out; the session lives until it expires or is ended.
 */
export async function signInWithPassword(deps: Deps, email: string, password: string, client: ClientInfo): Promise<{ userId: string; sessionId: string }> {
  const result = await countLoginResult(login(deps, email, password, client));
  return { userId: result.user.id, sessionId: result.sessionId };
}

export async function signInWithSecondFactor(deps: Deps, mfaToken: string, code: string, client: ClientInfo): Promise<{ userId: string; sessionId: string }> {
  const result = await countLoginResult(completeMfaLogin(deps, mfaToken, code, client));
  return { userId: result.user.id, sessionId: result.sessionId };
}

/** A passkey, first factor or (with the mfaToken of a right password) second: identity's passkey sign-in, as the API's. */
export async function signInWithPasskey(
  deps: Deps,
  response: AuthenticationResponseJSON,
  mfaToken: string | undefined,
  client: ClientInfo,
): Promise<{ userId: string; sessionId: string }> {
  const result = await countLoginResult(finishPasskeyLogin(deps, response, mfaToken, client));
  return { userId: result.user.id, sessionId: result.sessionId };
}

/** Sign-in only ever returns to an authorization request on this origin: anything else is the provider's own page. */
export function safeReturnTo(returnTo: string | null | undefined): string | null {
  if (!returnTo || returnTo.length > 4096) return null;
  return returnTo.startsWith("/oauth/authorize?") ? returnTo : null;
}

/** The app an authorization request in `returnTo` names, and the origin it will be sent back to, if the request is a valid one. */
export async function appOfReturnTo(deps: Deps, returnTo: string): Promise<{ name: string; redirectOrigin: string } | null> {
  const params = new URL(returnTo, "http://provider.invalid").searchParams;
  const clientId = params.get("client_id");
  const redirectUri = params.get("redirect_uri");
  if (!clientId || !redirectUri || clientId.length > 200) return null;
  const client = await findClient(deps.db, clientId);
  if (!client || client.disabledAt || !clientRedirectUris(client).includes(redirectUri)) return null;
  const url = new URL(redirectUri);
  return { name: client.name, redirectOrigin: url.origin === "null" ? url.protocol : url.origin };
}
