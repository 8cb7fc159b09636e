import type { Env, JobMessage } from "../shared/env";
import { createApp } from "./api/app";
import { handleJobBatch } from "./jobs/queue";
import { runScheduled } from "./jobs/scheduled";

export { CallSession } from "../durable-objects/call-session";
export { ChatRoom } from "../durable-objects/chat-room";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { UserHub } from "../durable-objects/user-hub";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env, ctx) => handleJobBatch(batch, env, ctx),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env, JobMessage>;
