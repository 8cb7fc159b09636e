import { defineVars, numberOrVar, optionalTextVar, type ParsedVars, varSection } from "../var-declarations";

/** The vars of the OpenID Connect provider (docs/sso.md). */
export const oauthVars = defineVars({
  OIDC_SIGNING_KEYS: optionalTextVar(
    {
      description:
        "JSON array of RS256 private JWKs with `kid`: the first signs ID tokens and app access tokens, every key verifies and is published at /.well-known/jwks.json beside the ES256 keys. `npm run dev` generates one into .dev.vars.",
      secret: true,
    },
    "JSON",
  ),
  OAUTH_CODE_TTL_SECONDS: numberOrVar(60, { description: "Lifetime of an authorization code." }, "seconds"),
  OAUTH_ACCESS_TOKEN_TTL_SECONDS: numberOrVar(600, { description: "Lifetime of an access token issued to an app." }, "seconds"),
  OAUTH_ID_TOKEN_TTL_SECONDS: numberOrVar(600, { description: "Lifetime of an ID token." }, "seconds"),
  OAUTH_REFRESH_TOKEN_TTL_SECONDS: numberOrVar(30 * 86400, { description: "Lifetime of a refresh token issued to an app (`offline_access`)." }, "seconds"),
});

function oauthConfig(v: ParsedVars) {
  return {
    oauth: {
      signingKeys: v.OIDC_SIGNING_KEYS,
      codeTtlMs: v.OAUTH_CODE_TTL_SECONDS * 1000,
      accessTokenTtlSeconds: v.OAUTH_ACCESS_TOKEN_TTL_SECONDS,
      idTokenTtlSeconds: v.OAUTH_ID_TOKEN_TTL_SECONDS,
      refreshTokenTtlMs: v.OAUTH_REFRESH_TOKEN_TTL_SECONDS * 1000,
    },
  };
}

export const oauthVarSection = varSection("oauth", oauthVars, oauthConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    oauth: typeof oauthVars;
  }
  interface ConfigSections {
    oauth: ReturnType<typeof oauthConfig>;
  }
}
