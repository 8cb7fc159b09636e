import type { CallRoomRpc } from "./calls/call-room-rpc";
import type { CallSessionRpc } from "./calls/call-session-rpc";
import type { ChatRoomRpc } from "./chat/chat-room-rpc";
import type { ChatFanoutRpc } from "./chat/chat-fanout-rpc";
import type { MetricsStoreRpc } from "./observability/metrics-store-rpc";
import type { RateLimiterRpc } from "./rate-limiter-rpc";
import type { UserHubRpc } from "./realtime/user-hub-rpc";
import type { VideoViewsRpc } from "./video/video-views-rpc";
import type { TraceCarrier } from "./observability/trace-context";
import type { VarName } from "./var-declarations";

/** Each declared var as the runtime hands it over: a string, or absent. */
type DeclaredVars = { [Name in VarName]?: string };

/**
 * Every binding the Worker and its Durable Objects see, and every declared var and secret (as
 * the string the runtime hands over; `configOf` parses them). The vars come from the modules'
 * declarations (`shared/<module>/vars.ts`), so a var is written once.
 */
export interface Env extends DeclaredVars {
  DB: D1Database;
  FILES: R2Bucket;
  JOBS: Queue<QueuedJob>;
  JOBS_DLQ: Queue<QueuedJob>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterRpc>;
  USER_HUB: DurableObjectNamespace<UserHubRpc>;
  CALL_SESSION: DurableObjectNamespace<CallSessionRpc>;
  /** One per group call: its roster, mesh signalling and ringing (docs/calls.md, "Group calls"). */
  CALL_ROOM: DurableObjectNamespace<CallRoomRpc>;
  CHAT_ROOM: DurableObjectNamespace<ChatRoomRpc>;
  /** A slice of a big chat's sockets (the general chat's, docs/realtime.md#rooms-of-thousands). */
  CHAT_FANOUT: DurableObjectNamespace<ChatFanoutRpc>;
  METRICS_STORE: DurableObjectNamespace<MetricsStoreRpc>;
  /** Workers Analytics Engine dataset for long-term metric queries; absent locally (then a no-op). */
  METRICS?: AnalyticsEngineDataset;
  /** The web app's static files (web/dist), for its deep links (workers/api/routes/web-app.ts). */
  ASSETS?: Fetcher;
  /** Cloudflare Images: resized variants of image files (media). */
  IMAGES?: ImagesBinding;
  /** Cloudflare `send_email` binding; used in production (docs/deploy.md, "E-mail"). */
  EMAIL?: SendEmail;
  // video (docs/video.md)
  /** Cloudflare Stream; under wrangler dev the local emulation. */
  STREAM?: StreamBinding;
  /** One per video: deduplicated view counting, flushed to D1 in batches. */
  VIDEO_VIEWS: DurableObjectNamespace<VideoViewsRpc>;
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
