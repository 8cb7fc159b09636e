import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, vi } from "vitest";
import { clock } from "../shared/clock";

// The setup file runs before every test file, and the files of the `workers` project share a
// runtime (isolate: false in vitest.config.ts): the first applies the migrations, the rest find
// them applied and skip them.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);

// The Worker loads its routers, and the queue and cron dispatch, on the first request or batch
// that needs them (workers/index.ts, workers/api/app.ts appFor). Deployed, that import is a lazy
// initializer in the bundle and settles within the request that started it; here vitest's module
// runner fetches each module over its own connection, which workerd lets no other request use
// (a second request awaiting the first one's load hung, or threw "Cannot perform I/O on behalf of
// a different request"). So every one of them is loaded here, before any request.
await Promise.all([
  import("../workers/api/app").then(({ createApp }) => createApp()),
  import("../workers/jobs/queue"),
  import("../workers/jobs/scheduled"),
  import("../workers/modules"),
  // A chat room loads the MLS Delivery Service when it finds its chat encrypted (shared/chat/encrypted-frames.ts).
  import("../shared/e2ee/delivery-service"),
]);

// A shared runtime runs its files one after another: what a file changed for the whole runtime is
// put back when it ends, so the next file starts at the real time with the real fetch. (A file
// that moved the clock used to expire the tokens of the files after it.)
afterAll(() => {
  clock.reset();
  vi.restoreAllMocks();
});
