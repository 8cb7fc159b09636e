import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { JobMessage } from "../../shared/env";
import { handleJobBatch, type JobHandlers } from "../../workers/jobs/queue";
import { runScheduled } from "../../workers/jobs/scheduled";
import { cronTasks, jobHandlers } from "../../workers/modules";

async function deliver(queue: string, bodies: JobMessage[], attempts = 1, handlers: JobHandlers = jobHandlers) {
  const batch = createMessageBatch<JobMessage>(
    queue,
    bodies.map((body, i) => ({ id: `msg-${crypto.randomUUID()}-${i}`, timestamp: Date.now(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await handleJobBatch(batch, env, handlers);
  return { batch, result: await getQueueResult(batch, ctx) };
}

describe("JOBS queue consumer", () => {
  it("acks each message whose handler succeeds", async () => {
    const seen: string[] = [];
    const noop: JobHandlers["noop"] = async (message) => {
      seen.push(message.id);
    };
    const { batch, result } = await deliver(
      "edge-platform-jobs",
      [
        { kind: "noop", id: "a" },
        { kind: "noop", id: "b" },
      ],
      1,
      { ...jobHandlers, noop },
    );
    expect(seen).toEqual(["a", "b"]);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
  });

  it("retries only the failing message, with backoff, and acks its neighbours", async () => {
    const noop: JobHandlers["noop"] = async (message) => {
      if (message.id === "bad") throw new Error("provider down");
    };
    const { batch, result } = await deliver(
      "edge-platform-jobs",
      [
        { kind: "noop", id: "good" },
        { kind: "noop", id: "bad" },
      ],
      2,
      { ...jobHandlers, noop },
    );
    expect(result.explicitAcks).toEqual([batch.messages[0]!.id]);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual([batch.messages[1]!.id]);
  });

  it("retries a message of an unknown kind rather than dropping it", async () => {
    const { batch, result } = await deliver("edge-platform-jobs", [{ kind: "no-such-kind" } as unknown as JobMessage]);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual([batch.messages[0]!.id]);
    expect(result.explicitAcks).toEqual([]);
  });

  it("records every dead-lettered message in the audit log", async () => {
    const { batch, result } = await deliver("edge-platform-jobs-dlq", [{ kind: "noop", id: "gave-up" }], 6);
    expect(result.explicitAcks).toEqual([batch.messages[0]!.id]);
    const row = await env.DB.prepare("SELECT detail FROM audit_events WHERE type = 'job.dead_lettered' AND detail LIKE ?")
      .bind(`%${batch.messages[0]!.id}%`)
      .first<{ detail: string }>();
    expect(JSON.parse(row!.detail)).toMatchObject({ kind: "noop", attempts: 6 });
  });
});

describe("cron", () => {
  it("runs every task of the schedule and fails loudly when one fails", async () => {
    const ran: string[] = [];
    const failing = async () => {
      throw new Error("boom");
    };
    const tasks = [
      async () => {
        ran.push("ok");
      },
      failing,
    ];
    const controller = createScheduledController({ cron: "*/10 * * * *", scheduledTime: Date.now() });
    await expect(runScheduled(controller, env, { ...cronTasks, "*/10 * * * *": tasks })).rejects.toThrow(/a task failed/);
    expect(ran).toEqual(["ok"]);
  });
});
