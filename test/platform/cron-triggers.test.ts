import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import { cronTasks } from "../../workers/modules";

/** The `crons = [...]` of the top-level `[triggers]` in wrangler.toml. */
function configuredCrons(toml: string): string[] {
  const triggers = toml.slice(toml.indexOf("[triggers]"));
  const match = /^crons\s*=\s*(\[[^\]]*\])/m.exec(triggers);
  return match ? (JSON.parse(match[1]!) as string[]) : [];
}

describe("cron triggers", () => {
  it("every trigger in wrangler.toml has at least one task, and every task's schedule is a trigger", () => {
    const crons = configuredCrons(wranglerToml);
    expect(crons.length).toBeGreaterThan(0);
    expect(Object.keys(cronTasks).sort()).toEqual([...crons].sort());
    for (const cron of crons) expect(cronTasks[cron]?.length, cron).toBeGreaterThan(0);
  });
});
