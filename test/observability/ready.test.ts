import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { QueuedJob } from "../../shared/env";
import { handleJobBatch } from "../../workers/jobs/queue";
import { jobHandlers } from "../../workers/modules";
import { api, json } from "../helpers";

async function deliver(queue: string, body: QueuedJob, { attempts = 1, ageMs = 0 } = {}) {
  const batch = createMessageBatch<QueuedJob>(queue, [{ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(Date.now() - ageMs), attempts, body }]);
  await handleJobBatch(batch, env, jobHandlers);
}

async function ready() {
  const response = await api("/ready");
  expect(response.status).toBe(200);
  return (await json(response)).queue as { backlogAgeSeconds: number | null; lastConsumedAt: string | null; deadLettersLastHour: number };
}

describe("GET /ready: the JOBS queue", () => {
  it("counts the dead letters of the last hour", async () => {
    const before = (await ready()).deadLettersLastHour;
    await deliver("edge-platform-jobs-dlq", { kind: "noop", id: "gave-up-1" }, { attempts: 6 });
    await deliver("edge-platform-jobs-dlq", { kind: "noop", id: "gave-up-2" }, { attempts: 6 });
    expect((await ready()).deadLettersLastHour).toBe(before + 2);
  });

  it("reports the age of the oldest message the consumer received last", async () => {
    await deliver("edge-platform-jobs", { kind: "noop", id: "late" }, { ageMs: 42_000 });
    const queue = await ready();
    expect(queue.backlogAgeSeconds).toBeGreaterThanOrEqual(42);
    expect(queue.backlogAgeSeconds).toBeLessThan(60);
    expect(Date.now() - Date.parse(queue.lastConsumedAt!)).toBeLessThan(120_000);
  });
});
