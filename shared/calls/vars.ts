import { defineVars, listVar, numberWhereVar, optionalTextVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";

/** The vars of calls, ringing, signalling and ICE servers. */
export const callsVars = defineVars({
  CALL_RING_TIMEOUT_SECONDS: numberWhereVar(
    45,
    (n) => Number.isFinite(n) && n > 0,
    { description: "Seconds a call rings before it becomes `missed`." },
    "seconds",
  ),
  CALL_MESH_MAX_PARTICIPANTS: numberWhereVar(
    4,
    (n) => Number.isInteger(n) && n >= 2 && n <= 8,
    { description: "Most people in one group call (2 to 8): each browser sends its media to every other, so the cap keeps uplinks and CPUs within what phones manage." },
    "people",
  ),
  STUN_URLS: listVar("stun:stun.cloudflare.com:3478", { description: "STUN URLs handed to clients; empty for none." }),
  TURN_URLS: listVar("", { description: "coturn URLs (`turn:host:3478?transport=udp`, ...); with TURN_SECRET enables coturn credentials." }),
  TURN_TTL_SECONDS: numberWhereVar(
    3600,
    (n) => Number.isInteger(n) && n >= 60 && n <= 86_400,
    { description: "Lifetime of issued TURN credentials (60 to 86400)." },
    "seconds",
  ),
  TURN_SECRET: optionalTextVar({ description: "coturn's `static-auth-secret`.", secret: true }),
  CLOUDFLARE_TURN_KEY_ID: optionalTextVar({ description: "Cloudflare TURN key id; with CLOUDFLARE_TURN_API_TOKEN it takes precedence over coturn." }),
  CLOUDFLARE_TURN_API_TOKEN: optionalTextVar({ description: "API token of the Cloudflare TURN key.", secret: true }),
  RATE_LIMIT_CALL_SIGNALS: rateLimitVar({ limit: 200, windowSeconds: 10 }, { description: "Signalling frames per user on a call socket." }),
  RATE_LIMIT_CALLS_PER_USER: rateLimitVar({ limit: 20, windowSeconds: 3600 }, { description: "Calls one user may place." }),
  RATE_LIMIT_CALLS_PER_PAIR: rateLimitVar({ limit: 5, windowSeconds: 600 }, { description: "Calls one user may place to one callee." }),
});

function callsConfig(v: ParsedVars) {
  return {
    calls: {
      ringTimeoutSeconds: v.CALL_RING_TIMEOUT_SECONDS,
      meshMaxParticipants: v.CALL_MESH_MAX_PARTICIPANTS,
      stunUrls: v.STUN_URLS,
      turnUrls: v.TURN_URLS,
      turnTtlSeconds: v.TURN_TTL_SECONDS,
      turnSecret: v.TURN_SECRET,
      cloudflareTurnKeyId: v.CLOUDFLARE_TURN_KEY_ID,
      cloudflareTurnApiToken: v.CLOUDFLARE_TURN_API_TOKEN,
    },
    rateLimits: {
      callSignals: v.RATE_LIMIT_CALL_SIGNALS,
      callsPerUser: v.RATE_LIMIT_CALLS_PER_USER,
      callsPerPair: v.RATE_LIMIT_CALLS_PER_PAIR,
    },
  };
}

export const callsVarSection = varSection("calls", callsVars, callsConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    calls: typeof callsVars;
  }
  interface ConfigSections {
    calls: ReturnType<typeof callsConfig>;
  }
}
