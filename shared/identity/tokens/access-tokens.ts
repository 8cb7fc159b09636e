import { metrics } from "../../observability/metrics";
import type { Deps } from "../../platform/deps-types";
import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { newId } from "../../ids";
import { ACCESS_TOKEN_ALG, signingKeyring } from "./signing-keys";

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export function accessTokenTtlSeconds(deps: Deps): number {
  return deps.config.tokens.accessTokenTtlSeconds;
}

export async function issueAccessToken(deps: Deps, userId: string, sessionId: string): Promise<string> {
  const { jwt } = deps.config;
  const { signer } = await signingKeyring(jwt.signingKeys);
  const now = Math.floor(deps.clock.now() / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: signer.kid, typ: "at+jwt" })
    .setSubject(userId)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + accessTokenTtlSeconds(deps))
    .setJti(newId())
    .sign(signer.key);
}

/** Clocks of the services that verify our tokens may run this far apart. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Verifies signature (only our asymmetric algorithm, only known kids), issuer, audience and
 * expiry, and that the token is one we could have issued: not issued in the future (beyond the
 * clock skew) and not living longer than the configured lifetime, so a leaked signing key or a
 * bug cannot mint tokens that outlive a key rotation. Returns null for anything else.
 */
/** A token that does not verify, counted by why (the `ok` and `revoked` outcomes are counted where the session is read). */
function refused(outcome: "expired" | "forged"): null {
  metrics.count("identity_token_validations_total", { outcome });
  return null;
}

export async function verifyAccessToken(deps: Deps, token: string): Promise<AccessTokenClaims | null> {
  const { jwt } = deps.config;
  const { verifiers } = await signingKeyring(jwt.signingKeys);
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? verifiers.get(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer: jwt.issuer,
        audience: jwt.audience,
        typ: "at+jwt",
        currentDate: deps.clock.date(),
        requiredClaims: ["sub", "sid", "jti", "iat", "exp"],
      },
    );
    const { iat, exp } = payload as { iat: number; exp: number };
    if (
      typeof payload.sub !== "string" ||
      typeof payload.sid !== "string" ||
      typeof payload.jti !== "string" ||
      iat > Math.floor(deps.clock.now() / 1000) + CLOCK_SKEW_SECONDS ||
      exp - iat > accessTokenTtlSeconds(deps)
    ) {
      return refused("forged");
    }
    return payload as unknown as AccessTokenClaims;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return refused("expired");
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return refused("forged");
    throw error;
  }
}
