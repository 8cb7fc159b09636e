import type { Env, JobMessage } from "../../shared/env";
import { recordAuditEvent } from "../../shared/identity/audit/events";

export type JobHandler<K extends JobMessage["kind"]> = (message: Extract<JobMessage, { kind: K }>, env: Env) => Promise<void>;

/** One handler per job kind (listed in workers/modules.ts). */
export type JobHandlers = { [K in JobMessage["kind"]]: JobHandler<K> };

const DEAD_LETTER_QUEUE = "edge-platform-jobs-dlq";

/**
 * Each message is acked or retried on its own, so one failure never replays its neighbours.
 * A message that exhausts its retries lands in the dead-letter queue, whose consumer records it.
 */
export async function handleJobBatch(batch: MessageBatch<JobMessage>, env: Env, handlers: JobHandlers): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) {
    for (const message of batch.messages) {
      console.error(JSON.stringify({ level: "error", msg: "job dead-lettered", kind: message.body?.kind, id: message.id, attempts: message.attempts }));
      await recordAuditEvent(env.DB, {
        userId: null,
        type: "job.dead_lettered",
        detail: { messageId: message.id, kind: message.body?.kind ?? null, attempts: message.attempts },
      });
      message.ack();
    }
    return;
  }
  for (const message of batch.messages) {
    const handler = handlers[message.body?.kind] as JobHandler<JobMessage["kind"]> | undefined;
    if (!handler) {
      console.error(JSON.stringify({ level: "error", msg: "unknown job kind", kind: message.body?.kind, id: message.id }));
      message.retry();
      continue;
    }
    try {
      await handler(message.body, env);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({ level: "warn", msg: "job failed, will retry", kind: message.body.kind, id: message.id, attempts: message.attempts, error: String(error) }),
      );
      message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts * 5) });
    }
  }
}
