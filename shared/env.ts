import type { CallSessionRpc } from "./calls/call-session-rpc";
import type { ChatRoomRpc } from "./chat/chat-room-rpc";
import type { MetricsStoreRpc } from "./observability/metrics-store-rpc";
import type { RateLimiterRpc } from "./rate-limiter-rpc";
import type { UserHubRpc } from "./realtime/user-hub-rpc";
import type { VideoViewsRpc } from "./video/video-views-rpc";
import type { TraceCarrier } from "./observability/trace-context";

/** Every binding, var and secret the Worker and its Durable Objects see. */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  JOBS: Queue<QueuedJob>;
  JOBS_DLQ: Queue<QueuedJob>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterRpc>;
  USER_HUB: DurableObjectNamespace<UserHubRpc>;
  CALL_SESSION: DurableObjectNamespace<CallSessionRpc>;
  CHAT_ROOM: DurableObjectNamespace<ChatRoomRpc>;
  METRICS_STORE: DurableObjectNamespace<MetricsStoreRpc>;
  /** Workers Analytics Engine dataset for long-term metric queries; absent locally (then a no-op). */
  METRICS?: AnalyticsEngineDataset;

  ENVIRONMENT: "development" | "production" | "test" | string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  /** JSON array of JWKs (ES256). The first private key signs; every key verifies and is published. */
  JWT_SIGNING_KEYS: string;
  ACCESS_TOKEN_TTL_SECONDS: string;
  REFRESH_TOKEN_TTL_SECONDS: string;
  REFRESH_REUSE_GRACE_SECONDS: string;
  REGISTRATION_MODE: "open" | "invite" | string;
  CORS_ALLOWED_ORIGINS: string;
  MAX_BODY_BYTES: string;
  RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: string;
  RATE_LIMIT_LOGIN_PER_IP: string;
  RATE_LIMIT_REGISTER_PER_IP: string;
  /** Seconds a call rings before it becomes `missed` (default 45). */
  CALL_RING_TIMEOUT_SECONDS: string;
  /** Comma list of STUN URLs handed to clients; empty for none. */
  STUN_URLS: string;
  /** Comma list of coturn URLs (turn:host:3478?transport=udp,...); with TURN_SECRET enables coturn credentials. */
  TURN_URLS: string;
  /** Lifetime of issued TURN credentials in seconds (default 3600). */
  TURN_TTL_SECONDS: string;
  /** Secret: coturn `static-auth-secret`. */
  TURN_SECRET?: string;
  /** Cloudflare TURN key id; with CLOUDFLARE_TURN_API_TOKEN (a secret) takes precedence over coturn. */
  CLOUDFLARE_TURN_KEY_ID: string;
  CLOUDFLARE_TURN_API_TOKEN?: string;
  /** Most members a group chat may have, owner included. */
  CHAT_MAX_GROUP_MEMBERS: string;
  /** Messages one user may send in one chat, "count/seconds". */
  RATE_LIMIT_CHAT_MESSAGES: string;
  /** Cloudflare Images: resized variants of image files (media). */
  IMAGES?: ImagesBinding;
  /** Media limits and lifetimes, "count/seconds" or numbers; parsed in shared/config.ts (defaults there). */
  MEDIA_MAX_BYTES?: string;
  MEDIA_QUOTA_BYTES?: string;
  RATE_LIMIT_UPLOADS_PER_USER?: string;
  MEDIA_UPLOAD_EXPIRY_SECONDS?: string;
  MEDIA_BLOB_GRACE_SECONDS?: string;
  MEDIA_SIGNED_URL_MAX_SECONDS?: string;
  /** Secret: JSON [{kid, secret}] signing content URLs; the first signs, every one verifies. */
  MEDIA_URL_SIGNING_KEYS?: string;

  /** Studio library: days a non-favourite asset is kept (default 10); comment limits "count/seconds". */
  STUDIO_RETENTION_DAYS?: string;
  RATE_LIMIT_STUDIO_COMMENTS_PER_LINK?: string;
  RATE_LIMIT_STUDIO_COMMENTS_PER_IP?: string;

  /** "false": no JSON line per request (`npm run dev` sets it: wrangler dev logs requests itself). Default "true". */
  LOG_REQUESTS?: string;
  /** Where the per-request session check reads: "primary" (default) or "replica" (docs/latency.md). */
  AUTH_SESSION_READS?: "primary" | "replica" | string;

  /** Cloudflare `send_email` binding; used in production (README: "Wiring real e-mail in production"). */
  EMAIL?: SendEmail;
  /** Sender address of platform e-mail, e.g. "no-reply@example.com". */
  EMAIL_FROM?: string;
  /** Base URL of the web app; e-mailed links point there with `token=<token>`. */
  APP_BASE_URL?: string;
  /** "true": accounts without a verified e-mail cannot log in (default "false"). */
  REQUIRE_VERIFIED_EMAIL_FOR_LOGIN?: string;
  /** Comma list of actions that need a verified e-mail, e.g. "totp.setup,data.export". */
  VERIFIED_EMAIL_REQUIRED_FOR?: string;
  /** Whoever registers with this e-mail becomes admin (how the first admin is made). */
  BOOTSTRAP_ADMIN_EMAIL?: string;
  /** "count/seconds" limits of the identity lifecycle (defaults in the README's identity Vars table). */
  RATE_LIMIT_EMAIL_VERIFICATION_PER_USER?: string;
  RATE_LIMIT_PASSWORD_FORGOT_PER_IP?: string;
  RATE_LIMIT_PASSWORD_RESET_MAILS_PER_ADDRESS?: string;
  RATE_LIMIT_PASSWORD_CHECKS_PER_USER?: string;
  RATE_LIMIT_MFA_FAILURES_PER_USER?: string;
  /** Seconds a Durable Object trusts its last check of a socket's session before reading it again (default 30). */
  REALTIME_SESSION_RECHECK_SECONDS?: string;
  /** Per-user frame limits on sockets, "count/seconds" (defaults in README). */
  RATE_LIMIT_CHAT_TYPING?: string;
  RATE_LIMIT_CHAT_READS?: string;
  RATE_LIMIT_CHAT_EDITS?: string;
  RATE_LIMIT_CHAT_REACTIONS?: string;
  RATE_LIMIT_SOCKET_PINGS?: string;
  RATE_LIMIT_CALL_SIGNALS?: string;
  /** Calls one user may place, and place to one callee; groups one user may create. */
  RATE_LIMIT_CALLS_PER_USER?: string;
  RATE_LIMIT_CALLS_PER_PAIR?: string;
  RATE_LIMIT_GROUPS_PER_USER?: string;
  /** "false" turns tracing and request metrics off (default on); see docs/observability.md. */
  OBSERVABILITY_ENABLED?: string;
  /** Seconds an isolate aggregates metrics before it flushes them (default 10; 0 = after every request). */
  METRICS_FLUSH_SECONDS?: string;
  /** How many MetricsStore shards isolates spread their flushes over (default 4). */
  METRICS_SHARDS?: string;
  /** Secret: the bearer token scrapers send to GET /metrics. */
  METRICS_TOKEN?: string;

  // studio generation (shared/studio/providers, shared/studio/generation); defaults in shared/config.ts
  /** Seconds one call to an AI provider may take before it counts as a (retryable) timeout. */
  STUDIO_PROVIDER_TIMEOUT_SECONDS?: string;
  /** Generations one user may have pending or processing at once. */
  STUDIO_MAX_CONCURRENT_GENERATIONS?: string;
  /** Provider calls (start and polls together) one generation may make before it fails. */
  STUDIO_GENERATION_MAX_ATTEMPTS?: string;
  /** Seconds after which a generation not finished counts as failed (the sweep marks it). */
  STUDIO_GENERATION_TIMEOUT_SECONDS?: string;
  /** Seconds before the first poll of an asynchronous provider task; later polls back off from it. */
  STUDIO_POLL_INTERVAL_SECONDS?: string;
  // video (docs/video.md)
  /** Cloudflare Stream; under wrangler dev the local emulation. */
  STREAM?: StreamBinding;
  /** One per video: deduplicated view counting, flushed to D1 in batches. */
  VIDEO_VIEWS: DurableObjectNamespace<VideoViewsRpc>;
  /** "direct" (Stream one-time URLs) or "worker" (bytes through PUT /v1/videos/:id/content); default by ENVIRONMENT. */
  VIDEO_UPLOADS?: string;
  VIDEO_MAX_DURATION_SECONDS?: string;
  VIDEO_MAX_BYTES?: string;
  /** Stream watermark profile applied to every upload, when set. */
  VIDEO_WATERMARK_ID?: string;
  /** Secret: the Stream signing key (its JWK as JSON, or base64 of it as Stream hands it out). */
  VIDEO_SIGNING_KEY?: string;
  /** The signing key's id at Stream (else the JWK's `kid`). */
  VIDEO_SIGNING_KEY_ID?: string;
  VIDEO_PLAYBACK_TOKEN_TTL_SECONDS?: string;
  /** JSON array of Stream token `accessRules`, added to every playback token when set. */
  VIDEO_TOKEN_ACCESS_RULES?: string;
  /** Secret: Stream's webhook signing secret. */
  VIDEO_WEBHOOK_SECRET?: string;
  VIDEO_WEBHOOK_TOLERANCE_SECONDS?: string;
  VIDEO_REPORTS_TO_HIDE?: string;
  VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS?: string;
  VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS?: string;
  VIDEO_VIEW_FLUSH_SECONDS?: string;
  VIDEO_PROCESSING_POLL_AFTER_SECONDS?: string;
  /** Seconds before the first `video.check` after an upload through the Worker (then doubling). */
  VIDEO_CHECK_DELAY_SECONDS?: string;
  RATE_LIMIT_VIDEO_UPLOADS_PER_USER?: string;
  /** For tus direct uploads (files over 200 MB), which the binding cannot create: the account and a Stream API token (secret). */
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_STREAM_API_TOKEN?: string;
  // jobs board
  /** Vacancies an unverified company may have published or scheduled at once (default 3). */
  UNVERIFIED_COMPANY_MAX_PUBLISHED?: string;
  /** The studio model (id) that writes vacancy drafts and profile analyses (default dev-text, development only). */
  JOBS_AI_MODEL?: string;
  RATE_LIMIT_JOBS_AI_PER_USER?: string;
}

/**
 * The message of every job kind on the JOBS queue, by kind. Each module adds its kinds beside
 * its logic by declaration merging (`declare module "../env" { interface JobKinds {
 * "email.send": EmailSendJob } }`); `workers/modules.ts` checks that the manifests handle
 * exactly these kinds.
 */
export interface JobKinds {
  /** Does nothing: the queue's own tests. */
  noop: { kind: "noop"; id: string };
}

/** Messages on the JOBS queue. */
export type JobMessage = JobKinds[keyof JobKinds];

/** What the queue carries: a job and the trace of the work that sent it, which the consumer continues. */
export type QueuedJob = JobMessage & { trace?: TraceCarrier };

type PlatformEnv = Env;

declare global {
  namespace Cloudflare {
    // `cloudflare:workers` env and partyserver's Server see the platform's bindings.
    interface Env extends PlatformEnv {}
  }
}
