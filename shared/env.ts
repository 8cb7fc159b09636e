import type { RateLimiter } from "../durable-objects/rate-limiter";
import type { UserHub } from "../durable-objects/user-hub";

/** Every binding, var and secret the Worker and its Durable Objects see. */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  JOBS: Queue<JobMessage>;
  JOBS_DLQ: Queue<JobMessage>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  USER_HUB: DurableObjectNamespace<UserHub>;

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
}

/** Messages on the JOBS queue; each module adds its kinds to this union. */
export type JobMessage = { kind: "noop"; id: string };

type PlatformEnv = Env;

declare global {
  namespace Cloudflare {
    // `cloudflare:workers` env and partyserver's Server see the platform's bindings.
    interface Env extends PlatformEnv {}
  }
}
