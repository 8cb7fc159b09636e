import { z } from "zod";
import type { Env } from "./env";
import { parseRateLimit, type RateLimit } from "./rate-limits";

/**
 * The value of every var when it is missing or unusable: the same values as `[vars]` in
 * wrangler.toml, kept here once so no call site repeats them.
 */
export const CONFIG_DEFAULTS = {
  environment: "development",
  jwtIssuer: "http://localhost:8787",
  jwtAudience: "edge-platform",
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 86400,
  refreshReuseGraceSeconds: 20,
  corsAllowedOrigins: "*",
  maxBodyBytes: 1024 * 1024,
  rateLimitLoginFailuresPerEmail: { limit: 10, windowSeconds: 900 },
  rateLimitLoginPerIp: { limit: 60, windowSeconds: 300 },
  rateLimitRegisterPerIp: { limit: 30, windowSeconds: 300 },
  rateLimitEmailVerificationPerUser: { limit: 5, windowSeconds: 3600 },
  rateLimitPasswordForgotPerIp: { limit: 20, windowSeconds: 3600 },
  rateLimitPasswordResetMailsPerAddress: { limit: 3, windowSeconds: 3600 },
  rateLimitPasswordChecksPerUser: { limit: 10, windowSeconds: 900 },
  rateLimitMfaFailuresPerUser: { limit: 5, windowSeconds: 300 },
  rateLimitChatMessages: { limit: 10, windowSeconds: 1 },
  callRingTimeoutSeconds: 45,
  stunUrls: "stun:stun.cloudflare.com:3478",
  turnTtlSeconds: 3600,
  chatMaxGroupMembers: 200,
} as const;

const D = CONFIG_DEFAULTS;

// Every var arrives as a string (or not at all). Each rule below keeps the fallback the platform
// has always had for an unusable value; anything that is not a string at all fails the parse.
const text = (fallback: string) => z.string().optional().transform((value) => value ?? fallback);
const optionalText = z.string().optional();
/** `Number(value) || fallback`: a missing, zero or non-numeric value means the default. */
const numberOr = (fallback: number) => z.string().optional().transform((value) => Number(value) || fallback);
const numberWhere = (fallback: number, usable: (n: number) => boolean) =>
  z
    .string()
    .optional()
    .transform((value) => {
      const n = Number(value);
      return value !== undefined && usable(n) ? n : fallback;
    });
const list = (fallback = "") =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? fallback)
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    );
const rateLimit = (fallback: RateLimit) => z.string().optional().transform((value) => parseRateLimit(value, fallback));

const VarsSchema = z.object({
  ENVIRONMENT: text(D.environment),
  JWT_ISSUER: text(D.jwtIssuer),
  JWT_AUDIENCE: text(D.jwtAudience),
  JWT_SIGNING_KEYS: optionalText,
  ACCESS_TOKEN_TTL_SECONDS: numberOr(D.accessTokenTtlSeconds),
  REFRESH_TOKEN_TTL_SECONDS: numberOr(D.refreshTokenTtlSeconds),
  REFRESH_REUSE_GRACE_SECONDS: numberOr(D.refreshReuseGraceSeconds),
  REGISTRATION_MODE: optionalText,
  BOOTSTRAP_ADMIN_EMAIL: text(""),
  CORS_ALLOWED_ORIGINS: text(D.corsAllowedOrigins),
  MAX_BODY_BYTES: numberOr(D.maxBodyBytes),
  RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: rateLimit(D.rateLimitLoginFailuresPerEmail),
  RATE_LIMIT_LOGIN_PER_IP: rateLimit(D.rateLimitLoginPerIp),
  RATE_LIMIT_REGISTER_PER_IP: rateLimit(D.rateLimitRegisterPerIp),
  RATE_LIMIT_EMAIL_VERIFICATION_PER_USER: rateLimit(D.rateLimitEmailVerificationPerUser),
  RATE_LIMIT_PASSWORD_FORGOT_PER_IP: rateLimit(D.rateLimitPasswordForgotPerIp),
  RATE_LIMIT_PASSWORD_RESET_MAILS_PER_ADDRESS: rateLimit(D.rateLimitPasswordResetMailsPerAddress),
  RATE_LIMIT_PASSWORD_CHECKS_PER_USER: rateLimit(D.rateLimitPasswordChecksPerUser),
  RATE_LIMIT_MFA_FAILURES_PER_USER: rateLimit(D.rateLimitMfaFailuresPerUser),
  RATE_LIMIT_CHAT_MESSAGES: rateLimit(D.rateLimitChatMessages),
  APP_BASE_URL: optionalText,
  EMAIL_FROM: optionalText,
  REQUIRE_VERIFIED_EMAIL_FOR_LOGIN: z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim().toLowerCase() === "true"),
  VERIFIED_EMAIL_REQUIRED_FOR: list().transform((actions) => new Set(actions)),
  CALL_RING_TIMEOUT_SECONDS: numberWhere(D.callRingTimeoutSeconds, (n) => Number.isFinite(n) && n > 0),
  STUN_URLS: list(D.stunUrls),
  TURN_URLS: list(),
  TURN_TTL_SECONDS: numberWhere(D.turnTtlSeconds, (n) => Number.isInteger(n) && n >= 60 && n <= 86_400),
  TURN_SECRET: optionalText,
  CLOUDFLARE_TURN_KEY_ID: optionalText,
  CLOUDFLARE_TURN_API_TOKEN: optionalText,
  CHAT_MAX_GROUP_MEMBERS: numberWhere(D.chatMaxGroupMembers, (n) => Number.isInteger(n) && n >= 2),
});

const ConfigSchema = VarsSchema.transform((v) => ({
  environment: v.ENVIRONMENT,
  /** Development and tests keep e-mail in the dev mailbox instead of sending it. */
  usesDevMailbox: v.ENVIRONMENT === "development" || v.ENVIRONMENT === "test",
  jwt: { issuer: v.JWT_ISSUER, audience: v.JWT_AUDIENCE, signingKeys: v.JWT_SIGNING_KEYS },
  tokens: {
    accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlMs: v.REFRESH_TOKEN_TTL_SECONDS * 1000,
    refreshReuseGraceMs: v.REFRESH_REUSE_GRACE_SECONDS * 1000,
  },
  registration: {
    /** Anything but "invite" leaves registration open. */
    inviteOnly: v.REGISTRATION_MODE === "invite",
    bootstrapAdminEmail: v.BOOTSTRAP_ADMIN_EMAIL,
  },
  http: { corsAllowedOrigins: v.CORS_ALLOWED_ORIGINS, maxBodyBytes: v.MAX_BODY_BYTES },
  rateLimits: {
    loginFailuresPerEmail: v.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL,
    loginPerIp: v.RATE_LIMIT_LOGIN_PER_IP,
    registerPerIp: v.RATE_LIMIT_REGISTER_PER_IP,
    emailVerificationPerUser: v.RATE_LIMIT_EMAIL_VERIFICATION_PER_USER,
    passwordForgotPerIp: v.RATE_LIMIT_PASSWORD_FORGOT_PER_IP,
    passwordResetMailsPerAddress: v.RATE_LIMIT_PASSWORD_RESET_MAILS_PER_ADDRESS,
    passwordChecksPerUser: v.RATE_LIMIT_PASSWORD_CHECKS_PER_USER,
    mfaFailuresPerUser: v.RATE_LIMIT_MFA_FAILURES_PER_USER,
    chatMessages: v.RATE_LIMIT_CHAT_MESSAGES,
  },
  email: {
    from: v.EMAIL_FROM,
    /** Where e-mailed links point: APP_BASE_URL, else the issuer, without a trailing slash. */
    linkBase: (v.APP_BASE_URL || v.JWT_ISSUER || D.jwtIssuer).replace(/\/+$/, ""),
    /** The name authenticator apps show: the host of APP_BASE_URL (else the issuer). */
    totpIssuer: hostOf(v.APP_BASE_URL || v.JWT_ISSUER) || "edge-platform",
  },
  verifiedEmail: { requiredForLogin: v.REQUIRE_VERIFIED_EMAIL_FOR_LOGIN, requiredFor: v.VERIFIED_EMAIL_REQUIRED_FOR },
  calls: {
    ringTimeoutSeconds: v.CALL_RING_TIMEOUT_SECONDS,
    stunUrls: v.STUN_URLS,
    turnUrls: v.TURN_URLS,
    turnTtlSeconds: v.TURN_TTL_SECONDS,
    turnSecret: v.TURN_SECRET,
    cloudflareTurnKeyId: v.CLOUDFLARE_TURN_KEY_ID,
    cloudflareTurnApiToken: v.CLOUDFLARE_TURN_API_TOKEN,
  },
  chat: { maxGroupMembers: v.CHAT_MAX_GROUP_MEMBERS },
}));

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

export type Config = z.output<typeof ConfigSchema>;

type VarName = keyof z.input<typeof VarsSchema>;
/** The vars of an `Env`; tests may pass just the few a function reads. */
export type EnvVars = Partial<Pick<Env, VarName>>;

const parsed = new WeakMap<object, Config>();

/** The typed configuration of `env`, parsed on first use and cached for as long as that env object lives. */
export function configOf(env: EnvVars): Config {
  let config = parsed.get(env);
  if (!config) {
    const result = ConfigSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
      throw new Error(`Invalid configuration (wrangler.toml [vars] or .dev.vars): ${problems}`);
    }
    config = result.data;
    parsed.set(env, config);
  }
  return config;
}
