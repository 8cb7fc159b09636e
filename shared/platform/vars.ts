import { defineVars, flagVar, numberOrVar, type ParsedVars, textVar, varSection } from "../var-declarations";

/** The platform's own vars: the deployment, CORS, the JSON body limit, the request log. */
export const platformVars = defineVars({
  // A missing ENVIRONMENT is production: no dev mailbox unless development is asked for.
  ENVIRONMENT: textVar("production", {
    description: "`development`, `test` or `production`. Development and tests keep e-mail in the dev mailbox and offer the development AI provider.",
  }),
  CORS_ALLOWED_ORIGINS: textVar("*", { description: "Comma list of origins allowed to call the API from a browser, or `*`." }),
  MAX_BODY_BYTES: numberOrVar(1024 * 1024, { description: "Largest JSON request body in bytes (file uploads have their own limits)." }, "bytes"),
  LOG_REQUESTS: flagVar(true, { description: "`false`: no JSON line per request (`npm run dev` sets it: `wrangler dev` logs requests itself)." }),
});

function platformConfig(v: ParsedVars) {
  return {
    environment: v.ENVIRONMENT,
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
