import { defineVars, numberWhereVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";

/** The vars every socket object shares. */
export const realtimeVars = defineVars({
  REALTIME_SESSION_RECHECK_SECONDS: numberWhereVar(
    30,
    (n) => Number.isFinite(n) && n > 0,
    { description: "How long a Durable Object trusts its last check of a socket's session before reading it again." },
    "seconds",
  ),
  RATE_LIMIT_SOCKET_PINGS: rateLimitVar({ limit: 30, windowSeconds: 10 }, { description: "`ping` frames per user on a socket." }),
});

function realtimeConfig(v: ParsedVars) {
  return {
    realtime: {
      /** How long a Durable Object trusts its last check of a socket's session before reading it again. */
      sessionRecheckMs: v.REALTIME_SESSION_RECHECK_SECONDS * 1000,
    },
    rateLimits: { socketPings: v.RATE_LIMIT_SOCKET_PINGS },
  };
}

export const realtimeVarSection = varSection("realtime", realtimeVars, realtimeConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    realtime: typeof realtimeVars;
  }
  interface ConfigSections {
    realtime: ReturnType<typeof realtimeConfig>;
  }
}
