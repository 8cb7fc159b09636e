import type { Env, QueuedJob } from "../shared/env";

export { MetricsStore } from "../durable-objects/metrics-store";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { VideoViews } from "../durable-objects/video-views";

// What the isolate loads at startup is the Durable Object classes above and the composition they
// use, nothing more: the API app and the module list of the queue and cron handlers load on the
// first request, batch or run that needs them, and the app loads only the routers that can answer
// the request's path (workers/api/app.ts appFor; every module's routes are some 4,000 zod schemas
// built at their files' top level). esbuild wraps a module reached only through import() in a
// lazy initializer, so an isolate that only wakes chat rooms or call sessions never builds a
// route, and one that serves chats builds the chat routes (bench:startup measures the startup).

/**
 * `load()`'s value, kept once it is loaded. Never a load in flight: a request must not await a
 * promise another request's I/O settles (workerd cancels it as hung), so concurrent first callers
 * each load (deployed, an import() settles within the request that made it).
 */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: { value: T } | undefined;
  return async () => {
    if (!loaded) loaded = { value: await load() };
    return loaded.value;
  };
}

const api = once(() => import("./api/app"));
const jobs = once(async () => {
  const [{ handleJobBatch }, { runScheduled }, { cronTasks, deadLetterHandlers, jobHandlers }] = await Promise.all([
    import("./jobs/queue"),
    import("./jobs/scheduled"),
    import("./modules"),
  ]);
  return { handleJobBatch, runScheduled, cronTasks, deadLetterHandlers, jobHandlers };
});

export default {
  fetch: async (request, env, ctx) => {
    const app = await (await api()).appFor(new URL(request.url).pathname);
    return app.fetch(request, env, ctx);
  },
  queue: async (batch, env, _ctx) => {
    const { handleJobBatch, jobHandlers, deadLetterHandlers } = await jobs();
    await handleJobBatch(batch, env, jobHandlers, deadLetterHandlers);
  },
  scheduled: async (controller, env, _ctx) => {
    const { runScheduled, cronTasks } = await jobs();
    await runScheduled(controller, env, cronTasks);
  },
} satisfies ExportedHandler<Env, QueuedJob>;
