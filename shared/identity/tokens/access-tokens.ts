import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { clock } from "../../clock";
import { configOf } from "../../config";
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
  return configOf(env).tokens.accessTokenTtlSeconds;
}

export async function issueAccessToken(env: Env, userId: string, sessionId: string): Promise<string> {
  const { jwt } = configOf(env);
  const { signer } = await signingKeyring(jwt.signingKeys);
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: signer.kid, typ: "at+jwt" })
    .setSubject(userId)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
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
  const { jwt } = configOf(env);
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
