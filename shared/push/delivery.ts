import type { Deps } from "../platform/deps-types";
import { logEvent } from "../observability/log";
import { metrics } from "../observability/metrics";
import type { PushSendJob } from "./events";
import type { PushAddress, PushNotification, PushOutcome } from "./push-sender";
import {
  claimDelivery,
  deleteDeviceById,
  findLiveDevice,
  type PushDeviceRecord,
  recordDeviceFailure,
  recordDeviceSuccess,
  settleDelivery,
} from "./records";

/** A claim older than this belongs to a consumer that stopped mid-send: another attempt may take it. */
const CLAIM_LEASE_MS = 60_000;
const MAX_RETRY_DELAY_SECONDS = 3600;

export type DeliveryResult = "delivered" | "gone" | "retrying" | "failed" | "skipped";

export function addressOf(device: PushDeviceRecord): PushAddress {
  return device.kind === "webpush" ? { kind: "webpush", endpoint: device.address, p256dh: device.p256dh ?? "", auth: device.auth ?? "" } : { kind: "fcm", token: device.address };
}

/** Seconds before attempt `attempt + 1`: what the service asked for, else the base doubling per attempt. */
export function retryDelaySeconds(deps: Pick<Deps, "config">, attempt: number, retryAfter: number | undefined): number {
  const backoff = deps.config.push.retryBaseSeconds * 2 ** (attempt - 1);
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(retryAfter ?? 0, Math.min(900, backoff)));
}

/**
 * Attempt `attempt` of one (event, device) delivery. The delivery is claimed first, so a
 * redelivered job (or a fan-out run twice) finds it sent, gone, failed or queued for a later
 * attempt and sends nothing. The outcome is recorded on the delivery row (and the device's last
 * failure): 404/410 remove the device, 429/5xx queue the next attempt after Retry-After (or the
 * backoff) until PUSH_MAX_ATTEMPTS, anything else fails for good.
 */
export async function deliver(deps: Deps, eventId: string, device: PushDeviceRecord, notification: PushNotification, attempt = 1): Promise<DeliveryResult> {
  const now = deps.clock.now();
  const key = { eventId, deviceId: device.id };
  if (!(await claimDelivery(deps.db, { ...key, userId: device.userId }, attempt, new Date(now), new Date(now - CLAIM_LEASE_MS)))) return "skipped";
  let outcome: PushOutcome;
  try {
    outcome = await deps.push.send(addressOf(device), notification);
  } catch (error) {
    logEvent("error", "push send threw", { eventId, deviceId: device.id, error: String(error) });
    outcome = { result: "retry", status: null, reason: "sender_error" };
  }
  const at = new Date(deps.clock.now());
  metrics.count("push_sends_total", { kind: device.kind, result: outcome.result });
  switch (outcome.result) {
    case "delivered":
      await settleDelivery(deps.db, key, "sent", null, at);
      await recordDeviceSuccess(deps.db, device.id, at);
      return "delivered";
    case "gone":
      await settleDelivery(deps.db, key, "gone", outcome.reason, at);
      await deleteDeviceById(deps.db, device.id);
      logEvent("info", "push device gone, removed", { eventId, deviceId: device.id, reason: outcome.reason });
      return "gone";
    case "retry": {
      await recordDeviceFailure(deps.db, device.id, outcome.reason, at);
      if (attempt >= deps.config.push.maxAttempts) {
        await settleDelivery(deps.db, key, "failed", `${outcome.reason}; gave up after ${attempt} attempts`, at);
        logEvent("warn", "push given up", { eventId, deviceId: device.id, attempts: attempt, reason: outcome.reason });
        return "failed";
      }
      await settleDelivery(deps.db, key, "retrying", outcome.reason, at);
      const delaySeconds = retryDelaySeconds(deps, attempt, outcome.retryAfterSeconds);
      const job: PushSendJob = { kind: "push.send", eventId, deviceId: device.id, attempt: attempt + 1, notification };
      await deps.queue.send(job, delaySeconds > 0 ? { delaySeconds } : undefined);
      return "retrying";
    }
    case "refused":
      await settleDelivery(deps.db, key, "failed", outcome.reason, at);
      await recordDeviceFailure(deps.db, device.id, outcome.reason, at);
      logEvent("warn", "push refused", { eventId, deviceId: device.id, reason: outcome.reason });
      return "failed";
  }
}

/** The `push.send` job: a later attempt of one delivery, to the device if it may still receive. */
export async function runPushSendJob(deps: Deps, job: PushSendJob): Promise<DeliveryResult> {
  const device = await findLiveDevice(deps.db, job.deviceId, deps.clock.date());
  if (!device) {
    const now = new Date(deps.clock.now());
    // Only a delivery waiting for this attempt is closed; one already settled stays as it was.
    if (await claimDelivery(deps.db, { eventId: job.eventId, deviceId: job.deviceId, userId: "" }, job.attempt, now, new Date(now.getTime() - CLAIM_LEASE_MS))) {
      await settleDelivery(deps.db, { eventId: job.eventId, deviceId: job.deviceId }, "failed", "device_removed", now);
    }
    return "skipped";
  }
  return deliver(deps, job.eventId, device, job.notification, job.attempt);
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
