/**
 * What module logic is called with (`deps`), as types only: logic, adapters and tests import
 * these, and only `deps.ts` builds them, so no adapter that takes `Deps` imports its builder.
 */
import type { Sfu } from "../calls/sfu/sfu";
import type { TurnProvider } from "../calls/turn/turn-provider";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { ReplicaReads } from "../db/replica-reads";
import type { EmailSender } from "../email/sender";
import type { Env, JobMessage } from "../env";
import type { FileReferences } from "../media/file-references";
import type { logEvent } from "../observability/log";
import type { PushSender } from "../push/push-sender";
import type { ResolvedModel } from "../studio/providers/provider-adapter";
import type { VideoHost } from "../video/video-host";

/** The platform's notion of now (`shared/clock.ts`); tests move it or pass their own. */
export interface Clock {
  now(): number;
  date(): Date;
}

/** Sends a job on the JOBS queue in the current trace, which the consumer continues. */
export interface JobQueue {
  send(job: JobMessage, options?: QueueSendOptions): Promise<void>;
  /** Several jobs in one call (one request to the queue). */
  sendBatch(jobs: readonly JobMessage[]): Promise<void>;
}

export type Stub<N extends keyof Env> = Env[N] extends DurableObjectNamespace<infer T> ? DurableObjectStub<T> : never;

/**
 * One accessor per Durable Object class, named by what the object is keyed by. Every call but
 * the metrics flush runs in the caller's trace (`traced`).
 */
export interface DurableObjects {
  rateLimiter(key: string): Stub<"RATE_LIMITER">;
  userHub(userId: string): Stub<"USER_HUB">;
  chatRoom(chatId: string): Stub<"CHAT_ROOM">;
  /**
   * A fan-out shard of a big chat, by name (`<chatId>#<n>`), and the room as its shards reach it.
   * Not traced: the room and each shard keep these stubs as long as they live (calls on one stub
   * arrive in order) and call them for every message; a stub traced when made would carry that
   * one request's trace into every later call.
   */
  chatFanout(shardName: string): Stub<"CHAT_FANOUT">;
  chatRoomForShards(chatId: string): Stub<"CHAT_ROOM">;
  callSession(callId: string): Stub<"CALL_SESSION">;
  callRoom(callId: string): Stub<"CALL_ROOM">;
  videoViews(videoId: string): Stub<"VIDEO_VIEWS">;
  /** Not traced: a flush would show up as a span of whichever request happened to trigger it. */
  metricsStore(shard: number): Stub<"METRICS_STORE">;
}

/** The studio's AI models, each with the adapter that reaches its provider (docs/studio-generation.md). */
export interface AiProviders {
  resolveModel(modelId: string): Promise<ResolvedModel | undefined>;
  /** Whether the secret a provider definition names (its `secretRef`) is set. */
  secretConfigured(name: string): boolean;
}

/**
 * The one context module logic is called with: `fn(deps, ...args)`. It holds what the logic may
 * reach: the record layer (`db`), the typed config, the clock, the bindings it uses directly,
 * one traced accessor per Durable Object, and an adapter for each part of the outside world,
 * which translates that world's failures. Built once per env object (nothing in it belongs to one
 * request: the trace is the ambient scope), so requests, queue batches, cron runs and Durable
 * Objects all get it from `depsFor(env)`, composed at the Worker's entry (workers/composition.ts); tests build one with `testDeps({...})`.
 */
export interface Deps {
  db: Database;
  config: Config;
  clock: Clock;
  files: R2Bucket;
  images: ImagesBinding | undefined;
  /** Workers Analytics Engine, when bound (metrics). */
  analytics: AnalyticsEngineDataset | undefined;
  queue: JobQueue;
  objects: DurableObjects;
  /** Outbound HTTP, carrying the current trace; the seam tests fake third parties at. */
  fetch: typeof fetch;
  /** Where e-mail goes; null when production has no e-mail binding configured. */
  email: EmailSender | null;
  /** TURN credentials; null when none is configured (STUN only). */
  turn: TurnProvider | null;
  /** Cloudflare Realtime SFU for group calls; null unless its app id and secret are configured. */
  sfu: Sfu | null;
  /** Cloudflare Stream; null without a STREAM binding. */
  videoHost: VideoHost | null;
  ai: AiProviders;
  /** The modules whose rows point at media files (company icons, video thumbnails): media lets go of them through these. */
  fileReferences: readonly FileReferences[];
  /** Push notifications to devices (Web Push, FCM HTTP v1): docs/notifications.md. */
  push: PushSender;
  log: typeof logEvent;
  /** Whether replica-eligible reads may go to a replica now (AUTH_SESSION_READS=replica; docs/latency.md#replica-lag). */
  replicaReads: ReplicaReads;
}
