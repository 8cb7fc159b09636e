import type { JobMessage } from "../../shared/env";
import type { Deps } from "../../shared/platform/deps-types";
import { runPushSendJob } from "../../shared/push/delivery";
import { runPushFanout } from "../../shared/push/fanout";
import { deleteDeliveriesBefore } from "../../shared/push/records";

/** How long delivery records are kept (support questions, the data export). */
const DELIVERY_RETENTION_MS = 7 * 86_400_000;

/**
 * The `push.fanout` job: who gets the event, first attempt to each device. A throw (D1 down)
 * makes the queue redeliver it; deliveries already claimed are not sent again.
 */
export async function pushFanoutJob(job: Extract<JobMessage, { kind: "push.fanout" }>, deps: Deps): Promise<void> {
  await runPushFanout(deps, job.event);
}

/** The `push.send` job: a later attempt of one delivery (after a 429 or 5xx). */
export async function pushSendJob(job: Extract<JobMessage, { kind: "push.send" }>, deps: Deps): Promise<void> {
  await runPushSendJob(deps, job);
}

/** Daily: delivery records older than a week are deleted. */
export async function pushHousekeeping(deps: Deps, scheduledTime: number): Promise<void> {
  await deleteDeliveriesBefore(deps.db, new Date(scheduledTime - DELIVERY_RETENTION_MS));
}
