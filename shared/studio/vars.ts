import { defineVars, numberWhereVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";

/** The vars of the studio library and of generation (docs/studio.md, docs/studio-generation.md). */
export const studioVars = defineVars({
  STUDIO_RETENTION_DAYS: numberWhereVar(
    10,
    (n) => Number.isFinite(n) && n > 0,
    { description: "Days a non-favourite, non-headliner asset is kept after it was created." },
    "days",
  ),
  RATE_LIMIT_STUDIO_COMMENTS_PER_LINK: rateLimitVar({ limit: 60, windowSeconds: 3600 }, { description: "Comments through one share link." }),
  RATE_LIMIT_STUDIO_COMMENTS_PER_IP: rateLimitVar({ limit: 20, windowSeconds: 600 }, { description: "Comments on share links per IP." }),
  STUDIO_PROVIDER_TIMEOUT_SECONDS: numberWhereVar(
    30,
    (n) => Number.isFinite(n) && n > 0 && n <= 300,
    { description: "How long one call to an AI provider may take before it counts as a (retryable) timeout." },
    "seconds",
  ),
  STUDIO_MAX_CONCURRENT_GENERATIONS: numberWhereVar(8, (n) => Number.isInteger(n) && n >= 1, {
    description: "Generations one user may have pending or processing at once.",
  }),
  STUDIO_GENERATION_MAX_ATTEMPTS: numberWhereVar(60, (n) => Number.isInteger(n) && n >= 1, {
    description: "Provider calls (start and polls together) one generation may make before it fails.",
  }),
  STUDIO_GENERATION_TIMEOUT_SECONDS: numberWhereVar(
    1800,
    (n) => Number.isInteger(n) && n >= 1,
    { description: "Age after which an unfinished generation counts as failed (the sweep marks it)." },
    "seconds",
  ),
  STUDIO_POLL_INTERVAL_SECONDS: numberWhereVar(
    2,
    (n) => Number.isInteger(n) && n >= 0 && n <= 600,
    { description: "Seconds before the first poll of an asynchronous provider task; later polls back off from it." },
    "seconds",
  ),
});

function studioConfig(v: ParsedVars) {
  return {
    studioLibrary: {
      /** Non-favourite, non-headliner assets are deleted this many days after they were created. */
      retentionDays: v.STUDIO_RETENTION_DAYS,
      commentsPerLink: v.RATE_LIMIT_STUDIO_COMMENTS_PER_LINK,
      commentsPerIp: v.RATE_LIMIT_STUDIO_COMMENTS_PER_IP,
    },
    studio: {
      /** The built-in development provider (no network) is offered in development and tests only. */
      devProvider: v.ENVIRONMENT === "development" || v.ENVIRONMENT === "test",
      providerTimeoutMs: v.STUDIO_PROVIDER_TIMEOUT_SECONDS * 1000,
      maxConcurrentGenerations: v.STUDIO_MAX_CONCURRENT_GENERATIONS,
      generationMaxAttempts: v.STUDIO_GENERATION_MAX_ATTEMPTS,
      generationTimeoutMs: v.STUDIO_GENERATION_TIMEOUT_SECONDS * 1000,
      pollIntervalSeconds: v.STUDIO_POLL_INTERVAL_SECONDS,
    },
  };
}

export const studioVarSection = varSection("studio", studioVars, studioConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    studio: typeof studioVars;
  }
  interface ConfigSections {
    studio: ReturnType<typeof studioConfig>;
  }
}
