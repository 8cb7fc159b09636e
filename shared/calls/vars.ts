import { z } from "zod";
import { customVar, defineVars, listVar, numberWhereVar, optionalTextVar, type ParsedVars, rateLimitVar, textVar, varSection } from "../var-declarations";
import { CLOUDFLARE_SFU_BASE } from "./sfu/cloudflare-sfu";

/** How a group call's media flows: `auto` (mesh, then the SFU once the call outgrows the mesh), always `mesh`, or always `sfu`. */
export const TOPOLOGY_SETTINGS = ["auto", "mesh", "sfu"] as const;
export type TopologySetting = (typeof TOPOLOGY_SETTINGS)[number];

/** Who may start a call in the general chat (every account is in it). */
export const GENERAL_CHAT_CALLS = ["moderators", "members", "none"] as const;
export type GeneralChatCalls = (typeof GENERAL_CHAT_CALLS)[number];

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
    {
      description:
        "Most people in a mesh group call (2 to 8): each browser sends its media to every other, so the cap keeps uplinks and CPUs within what phones manage. Without an SFU it is the group call's cap.",
    },
    "people",
  ),
  CALL_MAX_PARTICIPANTS: numberWhereVar(
    16,
    (n) => Number.isInteger(n) && n >= 2 && n <= 64,
    {
      description:
        "Most people in a group call whose media can go through the SFU (2 to 64; never below CALL_MESH_MAX_PARTICIPANTS). Applies only with CLOUDFLARE_REALTIME_APP_ID and its secret set and CALL_TOPOLOGY not `mesh`.",
    },
    "people",
  ),
  CALL_TOPOLOGY: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value): TopologySetting => {
          const text = (value ?? "").trim().toLowerCase();
          return (TOPOLOGY_SETTINGS as readonly string[]).includes(text) ? (text as TopologySetting) : "auto";
        }),
    "auto/mesh/sfu",
    {
      description:
        "How group call media flows: `auto` (mesh up to CALL_MESH_MAX_PARTICIPANTS, then Cloudflare Realtime SFU if configured), `mesh` (never the SFU) or `sfu` (always the SFU if configured). Without an SFU configured every call is a mesh.",
    },
  ),
  CLOUDFLARE_REALTIME_APP_ID: optionalTextVar({
    description: "App ID of a Cloudflare Realtime SFU app; with CLOUDFLARE_REALTIME_APP_SECRET group calls can go through the SFU (docs/calls.md).",
  }),
  CLOUDFLARE_REALTIME_APP_SECRET: optionalTextVar({
    description: "App Secret of the Cloudflare Realtime SFU app (the bearer of every SFU request).",
    secret: true,
  }),
  CLOUDFLARE_REALTIME_BASE_URL: textVar(CLOUDFLARE_SFU_BASE, {
    description: "Base URL of the Realtime SFU API; only tests and local fakes change it.",
  }),
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
  GENERAL_CHAT_CALLS: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value): GeneralChatCalls => {
          const text = (value ?? "").trim().toLowerCase();
          return (GENERAL_CHAT_CALLS as readonly string[]).includes(text) ? (text as GeneralChatCalls) : "moderators";
        }),
    "moderators/members/none",
    {
      description:
        "Who may start a call in the general chat, which every account is in: `moderators` (moderators and admins; the default), `members` (anyone) or `none`. Anyone may join a call that is running. A call there rings only the members who turned the general chat's notifications on.",
    },
  ),
  RATE_LIMIT_CALL_SIGNALS: rateLimitVar({ limit: 200, windowSeconds: 10 }, { description: "Signalling frames per user on a call socket." }),
  RATE_LIMIT_CALLS_PER_USER: rateLimitVar({ limit: 20, windowSeconds: 3600 }, { description: "Calls one user may place." }),
  RATE_LIMIT_CALLS_PER_PAIR: rateLimitVar({ limit: 5, windowSeconds: 600 }, { description: "Calls one user may place to one callee." }),
});

function callsConfig(v: ParsedVars) {
  return {
    calls: {
      ringTimeoutSeconds: v.CALL_RING_TIMEOUT_SECONDS,
      meshMaxParticipants: v.CALL_MESH_MAX_PARTICIPANTS,
      sfuMaxParticipants: Math.max(v.CALL_MAX_PARTICIPANTS, v.CALL_MESH_MAX_PARTICIPANTS),
      topology: v.CALL_TOPOLOGY,
      generalChatCalls: v.GENERAL_CHAT_CALLS,
      sfu:
        v.CLOUDFLARE_REALTIME_APP_ID?.trim() && v.CLOUDFLARE_REALTIME_APP_SECRET?.trim()
          ? { appId: v.CLOUDFLARE_REALTIME_APP_ID.trim(), appSecret: v.CLOUDFLARE_REALTIME_APP_SECRET.trim(), baseUrl: v.CLOUDFLARE_REALTIME_BASE_URL }
          : null,
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
