import { DEFAULT_JWT_ISSUER } from "../identity/vars";
import { defineVars, flagVar, numberOrVar, optionalTextVar, type ParsedVars, textVar, varSection } from "../var-declarations";

/** The platform's own vars: the deployment, CORS, the JSON body limit, the request log. */
export const platformVars = defineVars({
  // A missing ENVIRONMENT is production: no dev mailbox unless development is asked for.
  ENVIRONMENT: textVar("production", {
    description: "`development`, `test` or `production`. Development and tests keep e-mail in the dev mailbox and offer the development AI provider.",
  }),
  CORS_ALLOWED_ORIGINS: textVar("*", { description: "Comma list of origins allowed to call the API from a browser, or `*`." }),
  MAX_BODY_BYTES: numberOrVar(1024 * 1024, { description: "Largest JSON request body in bytes (file uploads have their own limits)." }, "bytes"),
  APP_BASE_URL: optionalTextVar({
    description:
      "Base URL of the web app, and the platform's public origin: every absolute URL the platform hands out (signed file URLs, avatars, share links, invite links, video pages, e-mailed links, the API documents' server) is built on it, never on a request's Host header. Its host names the platform in authenticator apps. Default: JWT_ISSUER.",
  }),
  LOG_REQUESTS: flagVar(true, { description: "`false`: no JSON line per request (`npm run dev` sets it: `wrangler dev` logs requests itself)." }),
});

/** The web app's base URL (APP_BASE_URL, else the issuer), without a trailing slash. */
export function appBaseUrl(v: Pick<ParsedVars, "APP_BASE_URL" | "JWT_ISSUER">): string {
  return (v.APP_BASE_URL || v.JWT_ISSUER || DEFAULT_JWT_ISSUER).replace(/\/+$/, "");
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return new URL(DEFAULT_JWT_ISSUER).origin;
  }
}

function platformConfig(v: ParsedVars) {
  return {
    environment: v.ENVIRONMENT,
    /** The origin every absolute URL the platform hands out is built on (never the request's Host). */
    publicOrigin: originOf(appBaseUrl(v)),
    http: { corsAllowedOrigins: v.CORS_ALLOWED_ORIGINS, maxBodyBytes: v.MAX_BODY_BYTES, logRequests: v.LOG_REQUESTS },
  };
}

export const platformVarSection = varSection("platform", platformVars, platformConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    platform: typeof platformVars;
  }
  interface ConfigSections {
    platform: ReturnType<typeof platformConfig>;
  }
}
