import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { sessionStanding } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { OIDC_ALG, oidcKeyring } from "./keys";

/**
 * The browser's platform session on the platform's own origin: an HttpOnly, Secure,
 * SameSite=Lax, host-only cookie holding a signed `{sub, sid}` of a platform session row. The
 * signature proves we issued it; every use reads the session row, so logging out, revoking the
 * session, a password change that ends it or deleting the account ends the cookie at once.
 */
/** Sent as `__Host-platform_session` (hono's `prefix: "host"`: Secure, Path=/, no Domain). */
export const BROWSER_SESSION_COOKIE = "platform_session";

const TYP = "platform-session+jwt";
const audience = (deps: Deps) => `${deps.config.jwt.issuer}/oauth`;

export interface BrowserSession {
  userId: string;
  sessionId: string;
  /** When the user signed in (the ID token's `auth_time`), seconds since the epoch. */
  authTime: number;
}

export async function signBrowserSession(deps: Deps, userId: string, sessionId: string): Promise<{ value: string; maxAgeSeconds: number }> {
  const { signer } = await oidcKeyring(deps.config.oauth.signingKeys);
  const now = Math.floor(deps.clock.now() / 1000);
  const maxAgeSeconds = Math.floor(deps.config.tokens.refreshTokenTtlMs / 1000);
  const value = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: OIDC_ALG, kid: signer.kid, typ: TYP })
    .setIssuer(deps.config.jwt.issuer)
    .setAudience(audience(deps))
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + maxAgeSeconds)
    .sign(signer.key);
  return { value, maxAgeSeconds };
}

/** The live platform session a cookie names, or null (absent, forged, expired, or its session ended). */
export async function readBrowserSession(deps: Deps, cookie: string | undefined): Promise<BrowserSession | null> {
  if (!cookie || cookie.length > 4096) return null;
  const { verifiers } = await oidcKeyring(deps.config.oauth.signingKeys);
  try {
    const { payload } = await jwtVerify(
      cookie,
      async (header) => {
        const key = header.kid ? verifiers.get(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [OIDC_ALG],
        typ: TYP,
        issuer: deps.config.jwt.issuer,
        audience: audience(deps),
        currentDate: deps.clock.date(),
        requiredClaims: ["sub", "sid", "iat"],
      },
    );
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.iat !== "number") return null;
    if (!(await sessionStanding(deps, payload.sub, payload.sid))) return null;
    return { userId: payload.sub, sessionId: payload.sid, authTime: payload.iat };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return null;
    throw error;
  }
}
