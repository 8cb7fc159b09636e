import { z } from "zod";
import type { Env } from "./env";
import { parseMaxBytes } from "./media/size-limits";
import { parseUrlSigningKeys } from "./media/signed-urls";
import { parseRateLimit, type RateLimit } from "./rate-limits";
import { parseAccessRules } from "./video/access-rules";

/**
 * The value of every var when it is missing or unusable: the same values as `[vars]` in
 * wrangler.toml, kept here once so no call site repeats them.
 */
export const CONFIG_DEFAULTS = {
  /** A missing ENVIRONMENT is production: no dev mailbox unless development is asked for. */
  environment: "production",
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
  rateLimitChatTyping: { limit: 10, windowSeconds: 10 },
  rateLimitChatReads: { limit: 30, windowSeconds: 10 },
  rateLimitChatEdits: { limit: 20, windowSeconds: 10 },
  rateLimitChatReactions: { limit: 30, windowSeconds: 10 },
  rateLimitSocketPings: { limit: 30, windowSeconds: 10 },
  rateLimitCallSignals: { limit: 200, windowSeconds: 10 },
  rateLimitCallsPerUser: { limit: 20, windowSeconds: 3600 },
  rateLimitCallsPerPair: { limit: 5, windowSeconds: 600 },
  rateLimitGroupsPerUser: { limit: 10, windowSeconds: 3600 },
  realtimeSessionRecheckSeconds: 30,
  callRingTimeoutSeconds: 45,
  stunUrls: "stun:stun.cloudflare.com:3478",
  turnTtlSeconds: 3600,
  chatMaxGroupMembers: 200,
  logRequests: true,
  authSessionReads: "primary",
  mediaQuotaBytes: 1024 * 1024 * 1024,
  rateLimitUploadsPerUser: { limit: 120, windowSeconds: 3600 },
  mediaUploadExpirySeconds: 86_400,
  mediaBlobGraceSeconds: 3600,
  mediaSignedUrlMaxSeconds: 86_400,
  metricsFlushSeconds: 10,
  metricsShards: 4,
  // studio library
  studioRetentionDays: 10,
  rateLimitStudioCommentsPerLink: { limit: 60, windowSeconds: 3600 },
  rateLimitStudioCommentsPerIp: { limit: 20, windowSeconds: 600 },
  // studio generation
  studioProviderTimeoutSeconds: 30,
  studioMaxConcurrentGenerations: 8,
  studioGenerationMaxAttempts: 60,
  studioGenerationTimeoutSeconds: 1800,
  studioPollIntervalSeconds: 2,
  // video
  videoMaxDurationSeconds: 3600,
  videoMaxBytes: 200 * 1024 * 1024,
  videoPlaybackTokenTtlSeconds: 3600,
  videoWebhookToleranceSeconds: 300,
  videoReportsToHide: 3,
  videoReportsToHidePerThousandViews: 5,
  videoReporterMinAccountAgeDays: 7,
  videoViewFlushSeconds: 10,
  videoProcessingPollAfterSeconds: 60,
  videoCheckDelaySeconds: 2,
  rateLimitVideoUploadsPerUser: { limit: 20, windowSeconds: 3600 },
  // jobs board
  unverifiedCompanyMaxPublished: 3,
  jobsAiModel: "dev-text",
  rateLimitJobsAiPerUser: { limit: 20, windowSeconds: 3600 },
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
  RATE_LIMIT_CHAT_TYPING: rateLimit(D.rateLimitChatTyping),
  RATE_LIMIT_CHAT_READS: rateLimit(D.rateLimitChatReads),
  RATE_LIMIT_CHAT_EDITS: rateLimit(D.rateLimitChatEdits),
  RATE_LIMIT_CHAT_REACTIONS: rateLimit(D.rateLimitChatReactions),
  RATE_LIMIT_SOCKET_PINGS: rateLimit(D.rateLimitSocketPings),
  RATE_LIMIT_CALL_SIGNALS: rateLimit(D.rateLimitCallSignals),
  RATE_LIMIT_CALLS_PER_USER: rateLimit(D.rateLimitCallsPerUser),
  RATE_LIMIT_CALLS_PER_PAIR: rateLimit(D.rateLimitCallsPerPair),
  RATE_LIMIT_GROUPS_PER_USER: rateLimit(D.rateLimitGroupsPerUser),
  REALTIME_SESSION_RECHECK_SECONDS: numberWhere(D.realtimeSessionRecheckSeconds, (n) => Number.isFinite(n) && n > 0),
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
  LOG_REQUESTS: z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim().toLowerCase() !== "false"),
  // A typo must not silently weaken revocation: anything but "replica" reads the primary.
  AUTH_SESSION_READS: z
    .string()
    .optional()
    .transform((value): "primary" | "replica" => ((value ?? "").trim().toLowerCase() === "replica" ? "replica" : D.authSessionReads)),
  MEDIA_MAX_BYTES: z.string().optional().transform(parseMaxBytes),
  MEDIA_QUOTA_BYTES: numberWhere(D.mediaQuotaBytes, (n) => Number.isSafeInteger(n) && n > 0),
  RATE_LIMIT_UPLOADS_PER_USER: rateLimit(D.rateLimitUploadsPerUser),
  MEDIA_UPLOAD_EXPIRY_SECONDS: numberWhere(D.mediaUploadExpirySeconds, (n) => Number.isInteger(n) && n > 0),
  MEDIA_BLOB_GRACE_SECONDS: numberWhere(D.mediaBlobGraceSeconds, (n) => Number.isInteger(n) && n > 0),
  MEDIA_SIGNED_URL_MAX_SECONDS: numberWhere(D.mediaSignedUrlMaxSeconds, (n) => Number.isInteger(n) && n > 0),
  MEDIA_URL_SIGNING_KEYS: z.string().optional().transform(parseUrlSigningKeys),
  OBSERVABILITY_ENABLED: z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim().toLowerCase() !== "false"),
  METRICS_FLUSH_SECONDS: numberWhere(D.metricsFlushSeconds, (n) => Number.isFinite(n) && n >= 0 && n <= 300),
  METRICS_SHARDS: numberWhere(D.metricsShards, (n) => Number.isInteger(n) && n >= 1 && n <= 64),
  METRICS_TOKEN: optionalText,
  // studio library
  STUDIO_RETENTION_DAYS: numberWhere(D.studioRetentionDays, (n) => Number.isFinite(n) && n > 0),
  RATE_LIMIT_STUDIO_COMMENTS_PER_LINK: rateLimit(D.rateLimitStudioCommentsPerLink),
  RATE_LIMIT_STUDIO_COMMENTS_PER_IP: rateLimit(D.rateLimitStudioCommentsPerIp),
  // studio generation
  STUDIO_PROVIDER_TIMEOUT_SECONDS: numberWhere(D.studioProviderTimeoutSeconds, (n) => Number.isFinite(n) && n > 0 && n <= 300),
  STUDIO_MAX_CONCURRENT_GENERATIONS: numberWhere(D.studioMaxConcurrentGenerations, (n) => Number.isInteger(n) && n >= 1),
  STUDIO_GENERATION_MAX_ATTEMPTS: numberWhere(D.studioGenerationMaxAttempts, (n) => Number.isInteger(n) && n >= 1),
  STUDIO_GENERATION_TIMEOUT_SECONDS: numberWhere(D.studioGenerationTimeoutSeconds, (n) => Number.isInteger(n) && n >= 1),
  STUDIO_POLL_INTERVAL_SECONDS: numberWhere(D.studioPollIntervalSeconds, (n) => Number.isInteger(n) && n >= 0 && n <= 600),
  // video
  VIDEO_UPLOADS: z
    .string()
    .optional()
    .transform((value) => (value === "direct" || value === "worker" ? value : undefined)),
  VIDEO_MAX_DURATION_SECONDS: numberWhere(D.videoMaxDurationSeconds, (n) => Number.isInteger(n) && n >= 1 && n <= 21_600),
  VIDEO_MAX_BYTES: numberWhere(D.videoMaxBytes, (n) => Number.isSafeInteger(n) && n > 0),
  VIDEO_WATERMARK_ID: optionalText,
  VIDEO_SIGNING_KEY: optionalText,
  VIDEO_SIGNING_KEY_ID: optionalText,
  VIDEO_PLAYBACK_TOKEN_TTL_SECONDS: numberWhere(D.videoPlaybackTokenTtlSeconds, (n) => Number.isInteger(n) && n >= 60 && n <= 86_400),
  VIDEO_TOKEN_ACCESS_RULES: z.string().optional().transform(parseAccessRules),
  VIDEO_WEBHOOK_SECRET: optionalText,
  VIDEO_WEBHOOK_TOLERANCE_SECONDS: numberWhere(D.videoWebhookToleranceSeconds, (n) => Number.isInteger(n) && n >= 1),
  VIDEO_REPORTS_TO_HIDE: numberWhere(D.videoReportsToHide, (n) => Number.isInteger(n) && n >= 1),
  VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS: numberWhere(D.videoReportsToHidePerThousandViews, (n) => Number.isInteger(n) && n >= 0 && n <= 1000),
  VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS: numberWhere(D.videoReporterMinAccountAgeDays, (n) => Number.isInteger(n) && n >= 0 && n <= 3650),
  VIDEO_VIEW_FLUSH_SECONDS: numberWhere(D.videoViewFlushSeconds, (n) => Number.isFinite(n) && n >= 0 && n <= 3600),
  VIDEO_PROCESSING_POLL_AFTER_SECONDS: numberWhere(D.videoProcessingPollAfterSeconds, (n) => Number.isInteger(n) && n >= 0),
  VIDEO_CHECK_DELAY_SECONDS: numberWhere(D.videoCheckDelaySeconds, (n) => Number.isInteger(n) && n >= 1 && n <= 3600),
  RATE_LIMIT_VIDEO_UPLOADS_PER_USER: rateLimit(D.rateLimitVideoUploadsPerUser),
  CLOUDFLARE_ACCOUNT_ID: optionalText,
  CLOUDFLARE_STREAM_API_TOKEN: optionalText,
  // jobs board
  UNVERIFIED_COMPANY_MAX_PUBLISHED: numberWhere(D.unverifiedCompanyMaxPublished, (n) => Number.isInteger(n) && n >= 0),
  JOBS_AI_MODEL: z.string().optional().transform((value) => value?.trim() || D.jobsAiModel),
  RATE_LIMIT_JOBS_AI_PER_USER: rateLimit(D.rateLimitJobsAiPerUser),
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
    /** Open only when unset or "open": a misspelt mode closes registration rather than silently opening it. */
    inviteOnly: v.REGISTRATION_MODE !== undefined && v.REGISTRATION_MODE.trim() !== "" && v.REGISTRATION_MODE.trim() !== "open",
    bootstrapAdminEmail: v.BOOTSTRAP_ADMIN_EMAIL,
  },
  http: { corsAllowedOrigins: v.CORS_ALLOWED_ORIGINS, maxBodyBytes: v.MAX_BODY_BYTES, logRequests: v.LOG_REQUESTS },
  /** Where the per-request session check reads (docs/latency.md). */
  auth: { sessionReads: v.AUTH_SESSION_READS },
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
    /** Per user, per room, kept in the room's memory (message.send has chatMessages). */
    chatFrames: {
      typing: v.RATE_LIMIT_CHAT_TYPING,
      read: v.RATE_LIMIT_CHAT_READS,
      edit: v.RATE_LIMIT_CHAT_EDITS,
      reaction: v.RATE_LIMIT_CHAT_REACTIONS,
      ping: v.RATE_LIMIT_SOCKET_PINGS,
    },
    socketPings: v.RATE_LIMIT_SOCKET_PINGS,
    callSignals: v.RATE_LIMIT_CALL_SIGNALS,
    callsPerUser: v.RATE_LIMIT_CALLS_PER_USER,
    callsPerPair: v.RATE_LIMIT_CALLS_PER_PAIR,
    groupsPerUser: v.RATE_LIMIT_GROUPS_PER_USER,
  },
  realtime: {
    /** How long a Durable Object trusts its last check of a socket's session before reading it again. */
    sessionRecheckMs: v.REALTIME_SESSION_RECHECK_SECONDS * 1000,
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
  media: {
    maxBytes: v.MEDIA_MAX_BYTES,
    quotaBytes: v.MEDIA_QUOTA_BYTES,
    uploadRateLimit: v.RATE_LIMIT_UPLOADS_PER_USER,
    uploadExpirySeconds: v.MEDIA_UPLOAD_EXPIRY_SECONDS,
    blobGraceSeconds: v.MEDIA_BLOB_GRACE_SECONDS,
    signedUrlMaxSeconds: v.MEDIA_SIGNED_URL_MAX_SECONDS,
    /** The first key signs content URLs; every key verifies them. */
    urlSigningKeys: v.MEDIA_URL_SIGNING_KEYS,
  },
  observability: {
    /** "false" turns off tracing, request metrics and metric flushes (bench:auth compares both). */
    enabled: v.OBSERVABILITY_ENABLED,
    metricsFlushMs: v.METRICS_FLUSH_SECONDS * 1000,
    metricsShards: v.METRICS_SHARDS,
    /** Bearer token for scrapers of /metrics (a secret); admins' access tokens work too. */
    metricsToken: v.METRICS_TOKEN || undefined,
  },
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
  video: {
    /** Production hands out Stream's one-time URLs; development and tests take the bytes through the Worker (the local Stream emulation cannot create direct uploads). */
    uploads: v.VIDEO_UPLOADS ?? (v.ENVIRONMENT === "development" || v.ENVIRONMENT === "test" ? "worker" : "direct"),
    maxDurationSeconds: v.VIDEO_MAX_DURATION_SECONDS,
    maxBytes: v.VIDEO_MAX_BYTES,
    watermarkId: v.VIDEO_WATERMARK_ID || undefined,
    signingKey: v.VIDEO_SIGNING_KEY || undefined,
    signingKeyId: v.VIDEO_SIGNING_KEY_ID || undefined,
    playbackTokenTtlSeconds: v.VIDEO_PLAYBACK_TOKEN_TTL_SECONDS,
    tokenAccessRules: v.VIDEO_TOKEN_ACCESS_RULES,
    webhookSecret: v.VIDEO_WEBHOOK_SECRET || undefined,
    webhookToleranceSeconds: v.VIDEO_WEBHOOK_TOLERANCE_SECONDS,
    /** Who may hide a video by reporting it and how many (docs/video.md, "Complaints"). */
    reportHiding: {
      /** Reports that count, since the last review, that hide a video whatever its views. */
      floor: v.VIDEO_REPORTS_TO_HIDE,
      /** Above the floor: this many reports that count per 1,000 views. */
      perThousandViews: v.VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS,
      /** A reporter's account must be at least this old (and their e-mail verified) for the report to count. */
      minAccountAgeMs: v.VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS * 86_400_000,
    },
    viewFlushMs: v.VIDEO_VIEW_FLUSH_SECONDS * 1000,
    processingPollAfterMs: v.VIDEO_PROCESSING_POLL_AFTER_SECONDS * 1000,
    checkDelaySeconds: v.VIDEO_CHECK_DELAY_SECONDS,
    uploadRateLimit: v.RATE_LIMIT_VIDEO_UPLOADS_PER_USER,
    streamAccountId: v.CLOUDFLARE_ACCOUNT_ID || undefined,
    streamApiToken: v.CLOUDFLARE_STREAM_API_TOKEN || undefined,
  },
  jobs: {
    /** Vacancies an unverified company may have published or scheduled at once. */
    unverifiedCompanyMaxPublished: v.UNVERIFIED_COMPANY_MAX_PUBLISHED,
    /** The studio model (id) that writes vacancy drafts and profile analyses. */
    aiModel: v.JOBS_AI_MODEL,
    /** AI requests (vacancy drafts and profile analyses together) one user may start per window. */
    aiRateLimit: v.RATE_LIMIT_JOBS_AI_PER_USER,
  },
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
