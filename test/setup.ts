import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The setup file runs before every test file, and the files share one runtime (isolate: false in
// vitest.config.ts): the first applies the migrations, the rest find them applied and skip them.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
