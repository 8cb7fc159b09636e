import type { TurnProvider } from "../calls/turn/turn-provider";
import { turnProviderFor } from "../calls/turn/turn-provider-of";
import { clock as platformClock } from "../clock";
import { type Config, configOf } from "../config";
import { createDatabase, type Database } from "../db/client";
import { emailSenderFor } from "../email/outbox";
import type { EmailSender } from "../email/sender";
import type { Env, JobMessage, QueuedJob } from "../env";
import { logEvent } from "../observability/log";
import { tracedFetch, withCurrentTrace } from "../observability/trace-scope";
import { traced } from "../observability/traced-stub";
import { type ResolvedModel, resolveModel } from "../studio/providers/registry";
import type { VideoHost } from "../video/video-host";
import { videoHostOf } from "../video/video-host-of";

/** The platform's notion of now (`shared/clock.ts`); tests move it or pass their own. */
export interface Clock {
  now(): number;
  date(): Date;
}

/** Sends a job on the JOBS queue in the current trace, which the consumer continues. */
export interface JobQueue {
  send(job: JobMessage, options?: QueueSendOptions): Promise<void>;
}

type Stub<N extends keyof Env> = Env[N] extends DurableObjectNamespace<infer T> ? DurableObjectStub<T> : never;

/**
 * One accessor per Durable Object class, named by what the object is keyed by. Every call but
 * the metrics flush runs in the caller's trace (`traced`).
 */
export interface DurableObjects {
  rateLimiter(key: string): Stub<"RATE_LIMITER">;
  userHub(userId: string): Stub<"USER_HUB">;
  chatRoom(chatId: string): Stub<"CHAT_ROOM">;
  callSession(callId: string): Stub<"CALL_SESSION">;
  videoViews(videoId: string): Stub<"VIDEO_VIEWS">;
  /** Not traced: a flush would show up as a span of whichever request happened to trigger it. */
  metricsStore(shard: number): Stub<"METRICS_STORE">;
}

/** The studio's AI models, each with the adapter that reaches its provider (docs/studio-generation.md). */
export interface AiProviders {
  resolveModel(modelId: string): Promise<ResolvedModel | undefined>;
}

/**
 * The one context module logic is called with: `fn(deps, ...args)`. It holds what the logic may
 * reach: the record layer (`db`), the typed config, the clock, the bindings it uses directly,
 * one traced accessor per Durable Object, and an adapter for each part of the outside world,
 * which translates that world's failures. Built once per env object (nothing in it belongs to one
 * request: the trace is the ambient scope), so requests, queue batches, cron runs and Durable
 * Objects all get it from `depsFor(env)`; tests build one with `testDeps({...})`.
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
  /** Cloudflare Stream; null without a STREAM binding. */
  videoHost: VideoHost | null;
  ai: AiProviders;
  // The notification module adds its push senders here (Web Push, FCM), faked in tests the same way.
  log: typeof logEvent;
  /**
   * The raw bindings, for calling modules that do not take `deps` yet (chat, calls, media,
   * studio, video, jobs board: see docs/architecture.md, "Moving a module onto deps"). Module
   * logic that takes `deps` reads nothing from here.
   */
  env: Env;
}

export function durableObjectsOf(env: Env): DurableObjects {
  return {
    rateLimiter: (key) => traced(env.RATE_LIMITER.getByName(key)),
    userHub: (userId) => traced(env.USER_HUB.getByName(userId)),
    chatRoom: (chatId) => traced(env.CHAT_ROOM.getByName(chatId)),
    callSession: (callId) => traced(env.CALL_SESSION.getByName(callId)),
    videoViews: (videoId) => traced(env.VIDEO_VIEWS.getByName(videoId)),
    metricsStore: (shard) => env.METRICS_STORE.getByName(`metrics:${shard}`),
  };
}

export function jobQueueOf(jobs: Queue<QueuedJob>): JobQueue {
  return {
    async send(job, options) {
      await jobs.send(withCurrentTrace(job), options);
    },
  };
}

/** `create()` on first use, then the same value: adapters are only built where they are used. */
function lazy<T>(create: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: create() }).value;
}

/** The deps of `env`, with `overrides` in place of what they name (tests). */
export function buildDeps(env: Env, overrides: Partial<Deps> = {}): Deps {
  const config = overrides.config ?? configOf(env);
  const db = createDatabase(env.DB);
  const email = lazy(() => emailSenderFor(config, db, env.EMAIL));
  const turn = lazy(() => turnProviderFor(config.calls, overrides.fetch ?? tracedFetch));
  const videoHost = lazy(() => videoHostOf(env));
  const base: Deps = {
    db,
    config,
    clock: platformClock,
    files: env.FILES,
    images: env.IMAGES,
    analytics: env.METRICS,
    queue: jobQueueOf(env.JOBS),
    objects: durableObjectsOf(env),
    fetch: tracedFetch,
    get email() {
      return email();
    },
    get turn() {
      return turn();
    },
    get videoHost() {
      return videoHost();
    },
    ai: { resolveModel: (modelId) => resolveModel(env, db, modelId) },
    log: logEvent,
    env,
  };
  return Object.keys(overrides).length === 0 ? base : Object.defineProperties(base, Object.getOwnPropertyDescriptors(overrides));
}

const built = new WeakMap<Env, Deps>();

/** The deps of `env`: built on first use and kept as long as the env object lives. */
export function depsFor(env: Env): Deps {
  let deps = built.get(env);
  if (!deps) {
    deps = buildDeps(env);
    built.set(env, deps);
  }
  return deps;
}
