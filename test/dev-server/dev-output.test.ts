import { describe, expect, it } from "vitest";
import { bindingsTableFilter, migrationSummary } from "../../scripts/dev-output.mjs";

const table = [
  "Your Worker has access to the following bindings:",
  "Binding                                         Resource                      Mode",
  "env.RATE_LIMITER (RateLimiter)                  Durable Object                local",
  "env.USER_HUB (UserHub)                          Durable Object                local",
  "env.JOBS (edge-platform-jobs)                   Queue                         local",
  "env.IMAGES                                      Images                        local",
  'env.ENVIRONMENT ("(hidden)")                    Environment Variable          local',
  'env.JWT_SIGNING_KEYS ("(hidden)")               Environment Variable          local',
  "",
].join("\n");

const wranglerDev = [
  " ⛅️ wrangler 4.156.2",
  "Using secrets defined in .dev.vars",
  table,
  "⎔ Starting local server...",
  table,
  "[wrangler:info] Ready on http://localhost:8787",
  "[wrangler:info] GET /health 200 OK (3ms)",
  "",
].join("\n");

function filtered(text: string, chunkSize: number): string {
  const filter = bindingsTableFilter();
  let out = "";
  for (let i = 0; i < text.length; i += chunkSize) out += filter.push(text.slice(i, i + chunkSize));
  return out + filter.end();
}

describe("npm run dev's output", () => {
  it("shows the bindings table once, as one line of counts, and every other line as it came", () => {
    for (const chunkSize of [1, 7, 100_000]) {
      expect(filtered(wranglerDev, chunkSize)).toBe(
        [
          " ⛅️ wrangler 4.156.2",
          "Using secrets defined in .dev.vars",
          "Bindings: Durable Object x2, Queue x1, Images x1, Environment Variable x2 (the full table: npx wrangler dev)",
          "⎔ Starting local server...",
          "[wrangler:info] Ready on http://localhost:8787",
          "[wrangler:info] GET /health 200 OK (3ms)",
          "",
        ].join("\n"),
      );
    }
  });

  it("keeps the Worker's own lines, even ones that start like a binding, outside the table", () => {
    expect(filtered('env.DB is the database\n{"level":"error"}\n', 5)).toBe('env.DB is the database\n{"level":"error"}\n');
  });

  it("sums up the local migrations in one line, and prints them all when they fail", () => {
    const applied =
      "Migrations to be applied:\n│ 0000_identity_chat_calls.sql │\n│ 0001_chat_former_members.sql │\n? About to apply 2 migration(s)\n│ 0000_identity_chat_calls.sql │ ✅ │";
    expect(migrationSummary(applied, 0)).toBe("D1 (local): applied 2 migrations");
    expect(migrationSummary("✅ No migrations to apply!", 0)).toBe("D1 (local): migrations up to date");
    expect(migrationSummary(applied, 1)).toBeUndefined();
  });
});
