import { customVar, defineVars, flagVar, numberWhereVar, optionalTextVar, type ParsedVars, varSection } from "../var-declarations";
import { z } from "zod";

/** The vars of push notifications (docs/notifications.md). */
export const pushVars = defineVars({
  PUSH_VAPID_PRIVATE_KEY: optionalTextVar(
    {
      description:
        "The VAPID key pair of Web Push (RFC 8292): a P-256 private key as a JWK (JSON with `d`, `x`, `y`). Its public half is the `applicationServerKey` of `GET /v1/push/config`. Without it, Web Push is off. `npm run dev` generates one into .dev.vars.",
      secret: true,
    },
    "JSON",
  ),
  PUSH_VAPID_SUBJECT: optionalTextVar({
    description: "The VAPID `sub` claim: a `mailto:` or `https:` contact for push services. Default: `mailto:` EMAIL_FROM, else APP_BASE_URL.",
  }),
  PUSH_FCM_SERVICE_ACCOUNT: optionalTextVar(
    {
      description:
        "A Google service account key (its JSON: `project_id`, `client_email`, `private_key`, `token_uri`) allowed to send with FCM HTTP v1. Without it, FCM devices cannot be registered.",
      secret: true,
    },
    "JSON",
  ),
  PUSH_ALLOW_INSECURE_ENDPOINTS: flagVar(false, {
    description:
      "Development and tests only (ignored in production): Web Push endpoints may be `http:` and name loopback or private addresses (a local push service). `npm run dev` sets it.",
  }),
  PUSH_MAX_DEVICES_PER_USER: numberWhereVar(20, (n) => Number.isInteger(n) && n >= 1 && n <= 1000, {
    description: "Most push devices one user may have registered (1 to 1000).",
  }),
  PUSH_MAX_ATTEMPTS: numberWhereVar(6, (n) => Number.isInteger(n) && n >= 1 && n <= 20, {
    description: "Attempts per event and device before a push that keeps meeting 429 or 5xx is given up (1 to 20).",
  }),
  PUSH_MESSAGE_TTL_SECONDS: numberWhereVar(
    86_400,
    (n) => Number.isInteger(n) && n >= 0 && n <= 2_419_200,
    { description: "How long a push service keeps a message push for a device that is offline (0 to 28 days)." },
    "seconds",
  ),
  PUSH_RETRY_BASE_SECONDS: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value) => {
          const n = Number(value);
          return value !== undefined && Number.isInteger(n) && n >= 0 && n <= 600 ? n : 5;
        }),
    "seconds",
    { description: "First retry delay after a 429 or 5xx without Retry-After; doubles each attempt, at most 15 minutes (0 to 600)." },
  ),
});

function pushConfig(v: ParsedVars) {
  const production = v.ENVIRONMENT !== "development" && v.ENVIRONMENT !== "test";
  return {
    push: {
      vapidPrivateKey: v.PUSH_VAPID_PRIVATE_KEY || undefined,
      vapidSubject: v.PUSH_VAPID_SUBJECT || (v.EMAIL_FROM ? `mailto:${v.EMAIL_FROM}` : v.APP_BASE_URL || v.JWT_ISSUER || "mailto:push@example.com"),
      fcmServiceAccount: v.PUSH_FCM_SERVICE_ACCOUNT || undefined,
      /** Never in production, whatever the var says. */
      allowInsecureEndpoints: v.PUSH_ALLOW_INSECURE_ENDPOINTS && !production,
      maxDevicesPerUser: v.PUSH_MAX_DEVICES_PER_USER,
      maxAttempts: v.PUSH_MAX_ATTEMPTS,
      messageTtlSeconds: v.PUSH_MESSAGE_TTL_SECONDS,
      retryBaseSeconds: v.PUSH_RETRY_BASE_SECONDS,
    },
  };
}

export const pushVarSection = varSection("push", pushVars, pushConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    push: typeof pushVars;
  }
  interface ConfigSections {
    push: ReturnType<typeof pushConfig>;
  }
}
