import { compactVerify } from "jose";
import { ApiError } from "../http/errors";
import type { ClientInfo } from "../identity/sessions/client-info";
import { logout } from "../identity/sessions/sessions";
import type { Deps } from "../platform/deps-types";
import type { BrowserSession } from "./browser-session";
import { clientPostLogoutRedirectUris } from "./clients";
import { OIDC_ALG, oidcKeyring } from "./keys";
import { findClient } from "./records";

/** What an `id_token_hint` says, once its signature is ours (an expired one still counts, OIDC RP-Initiated Logout 1.0 section 2). */
export interface IdTokenHint {
  clientId: string;
  userId: string;
  sessionId: string | null;
}

export async function readIdTokenHint(deps: Deps, hint: string | undefined): Promise<IdTokenHint | null> {
  if (!hint || hint.length > 8192) return null;
  const { verifiers } = await oidcKeyring(deps.config.oauth.signingKeys);
  try {
    const { payload } = await compactVerify(
      hint,
      async (header) => {
        const key = header.alg === OIDC_ALG && header.kid ? verifiers.get(header.kid) : undefined;
        if (!key) throw new Error("unknown key");
        return key;
      },
      { algorithms: [OIDC_ALG] },
    );
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims.iss !== deps.config.jwt.issuer || typeof claims.aud !== "string" || typeof claims.sub !== "string") return null;
    return { clientId: claims.aud, userId: claims.sub, sessionId: typeof claims.sid === "string" ? claims.sid : null };
  } catch {
    return null;
  }
}

export interface LogoutRequest {
  hint: IdTokenHint | null;
  /** Where to send the browser afterwards (registered for the client), with `state`. */
  redirectTo: string | null;
}

/** Checks an RP-initiated logout request; a post-logout URI that is not registered for the client is refused (400), never followed. */
export async function validateLogoutRequest(deps: Deps, params: Record<string, string>): Promise<LogoutRequest> {
  const hint = await readIdTokenHint(deps, params.id_token_hint);
  const clientId = hint?.clientId ?? params.client_id;
  const target = params.post_logout_redirect_uri;
  if (!target) return { hint, redirectTo: null };
  const client = clientId ? await findClient(deps.db, clientId) : undefined;
  if (!client || client.disabledAt || !clientPostLogoutRedirectUris(client).includes(target)) {
    throw new ApiError(400, "redirect_uri_mismatch", "post_logout_redirect_uri is not registered for this app (send id_token_hint or client_id)");
  }
  const url = new URL(target);
  if (params.state && params.state.length <= 1024) url.searchParams.set("state", params.state);
  return { hint, redirectTo: url.toString() };
}

/** Whether the request proves the browser's own app asked (the hint names this session), so no confirmation is needed. */
export function hintMatches(request: LogoutRequest, session: BrowserSession): boolean {
  return request.hint !== null && request.hint.userId === session.userId && request.hint.sessionId === session.sessionId;
}

/** Ends the browser's platform session: every app token bound to it stops working at once, and the apps with a back-channel logout URI are told now (by `afterSessionsEnded`, as every end of a session is). */
export async function endBrowserSession(deps: Deps, session: BrowserSession, client: ClientInfo): Promise<void> {
  await logout(deps, session.userId, session.sessionId, client);
}
