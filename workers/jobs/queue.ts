import type { Env, JobMessage, QueuedJob } from "../../shared/env";
import { recordAuditEvent } from "../../shared/identity/audit/events";
import { depsFor } from "../composition";
import type { Deps } from "../../shared/platform/deps-types";
import { logEvent } from "../../shared/observability/log";
import { flushMetrics, metrics } from "../../shared/observability/metrics";
import { fromCarrier } from "../../shared/observability/trace-context";
import { runInScope } from "../../shared/observability/trace-scope";

export type JobHandler<K extends JobMessage["kind"]> = (message: Extract<JobMessage, { kind: K }>, deps: Deps) => Promise<void>;

/** One handler per job kind (listed in workers/modules.ts). */
export type JobHandlers = { [K in JobMessage["kind"]]: JobHandler<K> };

/** What a module does when one of its jobs exhausted its retries (e.g. mark the work failed). */
export type DeadLetterHandlers = { [K in JobMessage["kind"]]?: JobHandler<K> };

const DEAD_LETTER_QUEUE = "edge-platform-jobs-dlq";

/** A job kind as a metric label: only the kinds the platform knows, so a bad message cannot add series. */
function kindLabel(body: QueuedJob | undefined, handlers: JobHandlers): string {
  const kind = body?.kind;
  return typeof kind === "string" && Object.hasOwn(handlers, kind) ? kind : "unknown";
}

/** Runs `work` in the trace the message carries (a new one when it carries none). */
function inMessageTrace<T>(deps: Deps, message: Message<QueuedJob>, work: () => Promise<T>): Promise<T> {
  if (!deps.config.observability.enabled) return work();
  return runInScope({ trace: fromCarrier(message.body?.trace) }, work);
}

/**
 * Each message is acked or retried on its own, so one failure never replays its neighbours, and
 * the messages of a batch run concurrently.
 * A message that exhausts its retries lands in the dead-letter queue, whose consumer records it.
 * Each job runs in the trace of the request that queued it. The batch's jobs share one `deps`.
 */
export async function handleJobBatch(
  batch: MessageBatch<QueuedJob>,
  env: Env,
  handlers: JobHandlers,
  deadLetterHandlers: DeadLetterHandlers = {},
): Promise<void> {
  const deps = depsFor(env);
  try {
    if (batch.queue === DEAD_LETTER_QUEUE) {
      for (const message of batch.messages) await recordDeadLetter(message, deps, handlers, deadLetterHandlers);
      return;
    }
    const received = Date.now();
    const oldestMs = Math.max(0, ...batch.messages.map((message) => received - Number(message.timestamp)));
    // The messages of a batch are independent (each acked or retried on its own), so they run
    // together: one slow job (a provider call, a download) does not hold up the others.
    await Promise.all(batch.messages.map((message) => inMessageTrace(deps, message, () => handleJob(message, deps, handlers))));
    metrics.gaugeMax("queue_oldest_message_age_seconds", {}, Math.max(0, oldestMs) / 1000);
  } finally {
    if (deps.config.observability.enabled) await flushMetrics(deps);
  }
}

async function handleJob(message: Message<QueuedJob>, deps: Deps, handlers: JobHandlers): Promise<void> {
  const kind = kindLabel(message.body, handlers);
  const handler = handlers[message.body?.kind] as JobHandler<JobMessage["kind"]> | undefined;
  if (!handler) {
    logEvent("error", "unknown job kind", { kind: message.body?.kind, id: message.id });
    metrics.count("queue_jobs_total", { kind, result: "retry" });
    metrics.count("queue_retries_total", { kind });
    message.retry();
    return;
  }
  const started = Date.now();
  try {
    await handler(message.body, deps);
    message.ack();
    metrics.count("queue_jobs_total", { kind, result: "ok" });
    logEvent("info", "job done", { kind, id: message.id, attempts: message.attempts, durationMs: Date.now() - started });
  } catch (error) {
    logEvent("warn", "job failed, will retry", { kind, id: message.id, attempts: message.attempts, error: String(error) });
    metrics.count("queue_jobs_total", { kind, result: "retry" });
    metrics.count("queue_retries_total", { kind });
    message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts * 5) });
  }
}

async function recordDeadLetter(message: Message<QueuedJob>, deps: Deps, handlers: JobHandlers, deadLetterHandlers: DeadLetterHandlers): Promise<void> {
  const settled = await inMessageTrace(deps, message, async () => {
    logEvent("error", "job dead-lettered", { kind: message.body?.kind, id: message.id, attempts: message.attempts });
    await recordAuditEvent(deps.db, {
      userId: null,
      type: "job.dead_lettered",
      detail: { messageId: message.id, kind: message.body?.kind ?? null, attempts: message.attempts },
    });
    metrics.count("queue_dead_letters_total", { kind: kindLabel(message.body, handlers) });
    const onDeadLetter = deadLetterHandlers[message.body?.kind] as JobHandler<JobMessage["kind"]> | undefined;
    if (!onDeadLetter) return true;
    try {
      await onDeadLetter(message.body, deps);
      return true;
    } catch (error) {
      logEvent("error", "dead-letter handler failed, will retry", { kind: message.body?.kind, id: message.id, error: String(error) });
      return false;
    }
  });
  if (settled) message.ack();
  else message.retry({ delaySeconds: 30 });
}
