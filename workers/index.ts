import type { Env, QueuedJob } from "../shared/env";
import { createApp } from "./api/app";
import { handleJobBatch } from "./jobs/queue";
import { runScheduled } from "./jobs/scheduled";
import { cronTasks, deadLetterHandlers, jobHandlers } from "./modules";

export { CallRoom } from "../durable-objects/call-room";
export { CallSession } from "../durable-objects/call-session";
export { MetricsStore } from "../durable-objects/metrics-store";
export { ChatRoom } from "../durable-objects/chat-room";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { UserHub } from "../durable-objects/user-hub";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env, _ctx) => handleJobBatch(batch, env, jobHandlers, deadLetterHandlers),
  scheduled: (controller, env, _ctx) => runScheduled(controller, env, cronTasks),
} satisfies ExportedHandler<Env, QueuedJob>;
export { VideoViews } from "../durable-objects/video-views";
