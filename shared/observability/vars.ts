import { defineVars, flagVar, numberWhereVar, optionalTextVar, type ParsedVars, varSection } from "../var-declarations";

/** The vars of tracing and metrics (docs/observability.md). */
export const observabilityVars = defineVars({
  OBSERVABILITY_ENABLED: flagVar(true, { description: "`false` turns off tracing, request metrics and metric flushes (`npm run bench:auth` compares both)." }),
  METRICS_FLUSH_SECONDS: numberWhereVar(
    10,
    (n) => Number.isFinite(n) && n >= 0 && n <= 300,
    { description: "Seconds an isolate aggregates metrics before it flushes them (0: after every request)." },
    "seconds",
  ),
  METRICS_SHARDS: numberWhereVar(4, (n) => Number.isInteger(n) && n >= 1 && n <= 64, {
    description: "How many MetricsStore shards isolates spread their flushes over (1 to 64).",
  }),
  METRICS_TOKEN: optionalTextVar({ description: "The bearer token scrapers send to GET /metrics (admins' access tokens work too).", secret: true }),
});

function observabilityConfig(v: ParsedVars) {
  return {
    observability: {
      /** "false" turns off tracing, request metrics and metric flushes (bench:auth compares both). */
      enabled: v.OBSERVABILITY_ENABLED,
      metricsFlushMs: v.METRICS_FLUSH_SECONDS * 1000,
      metricsShards: v.METRICS_SHARDS,
      /** Bearer token for scrapers of /metrics (a secret); admins' access tokens work too. */
      metricsToken: v.METRICS_TOKEN || undefined,
    },
  };
}

export const observabilityVarSection = varSection("observability", observabilityVars, observabilityConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    observability: typeof observabilityVars;
  }
  interface ConfigSections {
    observability: ReturnType<typeof observabilityConfig>;
  }
}
