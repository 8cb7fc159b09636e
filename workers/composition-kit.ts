// What every Worker's composition (workers/composition.ts, workers/realtime/composition.ts) builds
// the same way. Imports nothing of any module, so a slim Worker that uses it loads no more than it
// composes.
import type { Env, QueuedJob } from "../shared/env";
import { withCurrentTrace } from "../shared/observability/trace-scope";
import { traced } from "../shared/observability/traced-stub";
import type { Deps, DurableObjects, JobQueue } from "../shared/platform/deps-types";

/** Every Durable Object accessor, over the bindings of `env` (a binding is read when it is called). */
export function durableObjectsOf(env: Env): DurableObjects {
  return {
    rateLimiter: (key) => traced(env.RATE_LIMITER.getByName(key)),
    userHub: (userId) => traced(env.USER_HUB.getByName(userId)),
    chatRoom: (chatId) => traced(env.CHAT_ROOM.getByName(chatId)),
    chatFanout: (shardName) => env.CHAT_FANOUT.getByName(shardName),
    chatRoomForShards: (chatId) => env.CHAT_ROOM.getByName(chatId),
    callSession: (callId) => traced(env.CALL_SESSION.getByName(callId)),
    callRoom: (callId) => traced(env.CALL_ROOM.getByName(callId)),
    videoViews: (videoId) => traced(env.VIDEO_VIEWS.getByName(videoId)),
    metricsStore: (shard) => env.METRICS_STORE.getByName(`metrics:${shard}`),
  };
}

export function jobQueueOf(jobs: Queue<QueuedJob>): JobQueue {
  return {
    async send(job, options) {
      await jobs.send(withCurrentTrace(job), options);
    },
    async sendBatch(batch) {
      await jobs.sendBatch(batch.map((job) => ({ body: withCurrentTrace(job) })));
    },
  };
}

/** `create()` on first use, then the same value: adapters are only built where they are used. */
export function lazy<T>(create: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: create() }).value;
}

/** `build(env)`, once per env object: deps live as long as the env object does. */
export function oncePerEnv(build: (env: Env) => Deps): (env: Env) => Deps {
  const built = new WeakMap<Env, Deps>();
  return (env) => {
    let deps = built.get(env);
    if (!deps) {
      deps = build(env);
      built.set(env, deps);
    }
    return deps;
  };
}
