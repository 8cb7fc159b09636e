import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, vi } from "vitest";
import { clock } from "../shared/clock";

// The setup file runs before every test file, and the files of the `workers` project share a
// runtime (isolate: false in vitest.config.ts): the first applies the migrations, the rest find
// them applied and skip them.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);

// A shared runtime runs its files one after another: what a file changed for the whole runtime is
// put back when it ends, so the next file starts at the real time with the real fetch. (A file
// that moved the clock used to expire the tokens of the files after it.)
afterAll(() => {
  clock.reset();
  vi.restoreAllMocks();
});
