import type { BatchQuery } from "../db/client";
import type { Deps } from "../platform/deps-types";
import { logEvent } from "../observability/log";
import { metrics } from "../observability/metrics";
import type { PushSendJob } from "./events";
import type { PushAddress, PushNotification, PushOutcome } from "./push-sender";
import {
  claimDeliveries,
  claimDelivery,
  deleteDeviceQuery,
  deviceFailureQuery,
  deviceSuccessQuery,
  findLiveDevice,
  type PushDeviceRecord,
  runInBatches,
  settleDelivery,
  settleDeliveryQuery,
} from "./records";

/** A claim older than this belongs to a consumer that stopped mid-send: another attempt may take it. */
const CLAIM_LEASE_MS = 60_000;
const MAX_RETRY_DELAY_SECONDS = 3600;
/** Sends of one fan-out at a time: enough for 100 recipients in a few round trips, without flooding one push service. */
const SEND_CONCURRENCY = 32;

export type DeliveryResult = "delivered" | "gone" | "retrying" | "failed" | "skipped";

/** One attempt of one (event, device) delivery. */
export interface DeliveryAttempt {
  eventId: string;
  device: PushDeviceRecord;
  notification: PushNotification;
  attempt: number;
}

export function addressOf(device: PushDeviceRecord): PushAddress {
  return device.kind === "webpush"
    ? { kind: "webpush", endpoint: device.address, p256dh: device.p256dh ?? "", auth: device.auth ?? "" }
    : { kind: "fcm", token: device.address };
}

/** Seconds before attempt `attempt + 1`: what the service asked for, else the base doubling per attempt. */
export function retryDelaySeconds(deps: Pick<Deps, "config">, attempt: number, retryAfter: number | undefined): number {
  const backoff = deps.config.push.retryBaseSeconds * 2 ** (attempt - 1);
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(retryAfter ?? 0, Math.min(900, backoff)));
}

async function send(deps: Deps, attempt: DeliveryAttempt): Promise<PushOutcome> {
  try {
    return await deps.push.send(addressOf(attempt.device), attempt.notification);
  } catch (error) {
    logEvent("error", "push send threw", { eventId: attempt.eventId, deviceId: attempt.device.id, error: String(error) });
    return { result: "retry", status: null, reason: "sender_error" };
  }
}

/**
 * Attempts of (event, device) deliveries. Each is claimed first (one D1 batch for up to 50), so a
 * redelivered job (or a fan-out run twice) finds it sent, gone, failed or queued for a later
 * attempt and sends nothing. The sends run 32 at a time; their outcomes are recorded together
 * (one batch for up to 50): on the delivery row, and the device's last success or failure.
 * 404/410 remove the device, 429/5xx queue the next attempt after Retry-After (or the backoff)
 * until PUSH_MAX_ATTEMPTS, anything else fails for good.
 */
export async function deliverAll(deps: Deps, attempts: readonly DeliveryAttempt[]): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = attempts.map(() => "skipped");
  if (attempts.length === 0) return results;
  const now = deps.clock.now();
  const taken = await claimDeliveries(
    deps.db,
    attempts.map((a) => ({ key: { eventId: a.eventId, deviceId: a.device.id, userId: a.device.userId }, attempt: a.attempt })),
    new Date(now),
    new Date(now - CLAIM_LEASE_MS),
  );
  const claimed = attempts.map((attempt, index) => ({ attempt, index })).filter(({ index }) => taken[index]);
  const outcomes = new Map<number, PushOutcome>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SEND_CONCURRENCY, claimed.length) }, async () => {
      while (next < claimed.length) {
        const { attempt, index } = claimed[next++]!;
        outcomes.set(index, await send(deps, attempt));
      }
    }),
  );

  const at = new Date(deps.clock.now());
  const queries: BatchQuery[] = [];
  const retries: { job: PushSendJob; delaySeconds: number }[] = [];
  for (const { attempt, index } of claimed) {
    const outcome = outcomes.get(index)!;
    const { eventId, device } = attempt;
    const key = { eventId, deviceId: device.id };
    metrics.count("push_sends_total", { kind: device.kind, result: outcome.result });
    switch (outcome.result) {
      case "delivered":
        queries.push(settleDeliveryQuery(deps.db, key, "sent", null, at), deviceSuccessQuery(deps.db, device.id, at));
        results[index] = "delivered";
        break;
      case "gone":
        queries.push(settleDeliveryQuery(deps.db, key, "gone", outcome.reason, at), deleteDeviceQuery(deps.db, device.id));
        logEvent("info", "push device gone, removed", { eventId, deviceId: device.id, reason: outcome.reason });
        results[index] = "gone";
        break;
      case "retry":
        queries.push(deviceFailureQuery(deps.db, device.id, outcome.reason, at));
        if (attempt.attempt >= deps.config.push.maxAttempts) {
          queries.push(settleDeliveryQuery(deps.db, key, "failed", `${outcome.reason}; gave up after ${attempt.attempt} attempts`, at));
          logEvent("warn", "push given up", { eventId, deviceId: device.id, attempts: attempt.attempt, reason: outcome.reason });
          results[index] = "failed";
        } else {
          queries.push(settleDeliveryQuery(deps.db, key, "retrying", outcome.reason, at));
          retries.push({
            job: { kind: "push.send", eventId, deviceId: device.id, attempt: attempt.attempt + 1, notification: attempt.notification },
            delaySeconds: retryDelaySeconds(deps, attempt.attempt, outcome.retryAfterSeconds),
          });
          results[index] = "retrying";
        }
        break;
      case "refused":
        queries.push(settleDeliveryQuery(deps.db, key, "failed", outcome.reason, at), deviceFailureQuery(deps.db, device.id, outcome.reason, at));
        logEvent("warn", "push refused", { eventId, deviceId: device.id, reason: outcome.reason });
        results[index] = "failed";
        break;
    }
  }
  await runInBatches(deps.db, queries);
  // After the rows say `retrying`: the later attempt claims exactly that state.
  await Promise.all(retries.map(({ job, delaySeconds }) => deps.queue.send(job, delaySeconds > 0 ? { delaySeconds } : undefined)));
  return results;
}

/** One attempt of one delivery (the `push.send` job, tests). */
export async function deliver(deps: Deps, eventId: string, device: PushDeviceRecord, notification: PushNotification, attempt = 1): Promise<DeliveryResult> {
  const [result] = await deliverAll(deps, [{ eventId, device, notification, attempt }]);
  return result!;
}

/** The `push.send` job: a later attempt of one delivery, to the device if it may still receive. */
export async function runPushSendJob(deps: Deps, job: PushSendJob): Promise<DeliveryResult> {
  const device = await findLiveDevice(deps.db, job.deviceId, deps.clock.date());
  if (!device) {
    const now = new Date(deps.clock.now());
    // Only a delivery waiting for this attempt is closed; one already settled stays as it was.
    if (
      await claimDelivery(deps.db, { eventId: job.eventId, deviceId: job.deviceId, userId: "" }, job.attempt, now, new Date(now.getTime() - CLAIM_LEASE_MS))
    ) {
      await settleDelivery(deps.db, { eventId: job.eventId, deviceId: job.deviceId }, "failed", "device_removed", now);
    }
    return "skipped";
  }
  return deliver(deps, job.eventId, device, job.notification, job.attempt);
}
