import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { clock } from "../../clock";
import type { Env } from "../../env";
import { newId } from "../../ids";
import { ACCESS_TOKEN_ALG, signingKeyring } from "./signing-keys";

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export function accessTokenTtlSeconds(env: Env): number {
  return Number(env.ACCESS_TOKEN_TTL_SECONDS) || 900;
}

export async function issueAccessToken(env: Env, userId: string, sessionId: string): Promise<string> {
  const { signer } = await signingKeyring(env.JWT_SIGNING_KEYS);
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: signer.kid, typ: "at+jwt" })
    .setSubject(userId)
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + accessTokenTtlSeconds(env))
    .setJti(newId())
    .sign(signer.key);
}

/**
 * Verifies signature (only our asymmetric algorithm, only known kids), issuer, audience and
 * expiry. Returns null for anything that is not a valid access token of ours.
 */
export async function verifyAccessToken(env: Env, token: string): Promise<AccessTokenClaims | null> {
  const { verifiers } = await signingKeyring(env.JWT_SIGNING_KEYS);
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
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        typ: "at+jwt",
        currentDate: clock.date(),
        requiredClaims: ["sub", "sid", "jti", "iat", "exp"],
      },
    );
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.jti !== "string") return null;
    return payload as unknown as AccessTokenClaims;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return null;
    throw error;
  }
}
