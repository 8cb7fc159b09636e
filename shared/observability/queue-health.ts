import type { Deps } from "../platform/deps-types";
import { countDeadLettersSince } from "../db/records";
import { readMetrics } from "./metrics";
import { latestGauge } from "./metrics-window";

export interface QueueHealth {
  /** Age of the oldest message the consumer received in the last minute it ran (within the hour); null when it has not run. */
  backlogAgeSeconds: number | null;
  /** Start of that minute. */
  lastConsumedAt: string | null;
  /** Messages that exhausted their retries in the last hour (from the durable audit log). */
  deadLettersLastHour: number;
}

const HOUR_MS = 3_600_000;

/** What `/ready` tells about the JOBS queue. Workers cannot read a queue's depth, so its age is what the consumer saw. */
export async function queueHealth(deps: Deps, now: number): Promise<QueueHealth> {
  const [deadLettersLastHour, window] = await Promise.all([
    countDeadLettersSince(deps.db, new Date(now - HOUR_MS)),
    deps.config.observability.enabled ? readMetrics(deps) : Promise.resolve(null),
  ]);
  const reading = window ? latestGauge(window, "queue_oldest_message_age_seconds", now) : null;
  return {
    backlogAgeSeconds: reading ? Math.round(reading.value * 1000) / 1000 : null,
    lastConsumedAt: reading ? new Date(reading.minute * 60_000).toISOString() : null,
    deadLettersLastHour,
  };
}
