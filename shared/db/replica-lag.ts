import { metrics } from "../observability/metrics";
import type { Database } from "./client";
import type { ReadTarget, ReplicaLagHealth, ReplicaReads } from "./replica-reads";
import { readHeartbeat, writeHeartbeat } from "./records";

/** One measurement of how far the read replica nearest to this isolate is behind the primary. */
export interface ReplicaLagReading {
  /** How far behind the primary the copy that answered is, in the primary's time (0 when the primary answered). */
  lagMs: number;
  servedByPrimary: boolean;
  /** The D1 region of the copy that answered, when D1 says. */
  region: string | null;
  measuredAt: number;
}

/** Where readings come from: the D1 heartbeat deployed; a fake in tests (local D1 has no replicas). */
export interface ReplicaLagSource {
  measure(now: number): Promise<ReplicaLagReading>;
}

/**
 * The heartbeat measurement (docs/latency.md#replica-lag). The primary's copy of the heartbeat and
 * the nearest replica's are read side by side; their difference is how much of the primary's
 * recent history the replica has not applied. Then the primary's heartbeat moves to now, so the
 * next reading has a fresh mark to compare. The figure is a lower bound, exact to the interval
 * between heartbeats (every isolate probing beats, so the more traffic, the finer it is), and 0
 * for a replica that has everything.
 */
export function d1HeartbeatLag(db: Database): ReplicaLagSource {
  return {
    async measure(now) {
      const [primary, nearest] = await Promise.all([readHeartbeat(db.$client), readHeartbeat(db.$client.withSession("first-unconstrained"))]);
      await writeHeartbeat(db, now);
      const lagMs = nearest.servedByPrimary || primary.beatAt === null ? 0 : Math.max(0, primary.beatAt - (nearest.beatAt ?? 0));
      // A replica without any heartbeat yet has not applied the primary's first one: it is behind by at least that beat's age.
      const missingFirstBeat = !nearest.servedByPrimary && nearest.beatAt === null && primary.beatAt !== null;
      return {
        lagMs: missingFirstBeat ? Math.max(0, now - primary.beatAt!) : lagMs,
        servedByPrimary: nearest.servedByPrimary,
        region: nearest.region,
        measuredAt: now,
      };
    },
  };
}

export interface ReplicaReadPolicy {
  /** Past this lag, reads that could go to a replica go to the primary. */
  maxLagMs: number;
  /** How often an isolate measures (at most once per interval, in the background). */
  probeIntervalMs: number;
}

/**
 * Decides, per isolate, whether a read that may be served by a replica (AUTH_SESSION_READS =
 * replica) goes to one: only while the last reading is fresh and within REPLICA_MAX_LAG_MS. With
 * no reading yet, or one older than two probe intervals (the probes fail), reads go to the
 * primary: a lag nobody measured is not assumed small. Deciding costs no I/O: a stale reading
 * starts one background probe (`defer`, the request's waitUntil), whose result the next requests use.
 */
export type { ReadTarget, ReplicaLagHealth } from "./replica-reads";

export class ReplicaReadGuard implements ReplicaReads {
  private reading: ReplicaLagReading | null = null;
  private probing: Promise<void> | null = null;
  private lastProbeStartedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: ReplicaLagSource,
    private readonly policy: ReplicaReadPolicy,
    private readonly defer: (work: Promise<unknown>) => void,
  ) {}

  /** Where a replica-eligible read goes now; counts a fallback to the primary. */
  target(now: number): ReadTarget {
    if (now - this.lastProbeStartedAt >= this.policy.probeIntervalMs) this.defer(this.probe(now));
    const reading = this.reading;
    if (!reading || now - reading.measuredAt > 2 * this.policy.probeIntervalMs) {
      metrics.count("d1_replica_fallbacks_total", { reason: "unmeasured" });
      return "primary";
    }
    if (reading.lagMs > this.policy.maxLagMs) {
      metrics.count("d1_replica_fallbacks_total", { reason: "lag" });
      return "primary";
    }
    return "replica";
  }

  /** Measures now (at most one probe at a time) and keeps the reading. A failed probe keeps the old one, which ages out. */
  probe(now: number): Promise<void> {
    if (this.probing) return this.probing;
    this.lastProbeStartedAt = now;
    this.probing = this.source
      .measure(now)
      .then((reading) => {
        this.reading = reading;
        metrics.gaugeMax("d1_replica_lag_seconds", { region: reading.servedByPrimary ? "primary" : (reading.region ?? "unknown") }, reading.lagMs / 1000);
      })
      .catch(() => {
        metrics.count("d1_replica_probe_failures_total", {});
      })
      .finally(() => {
        this.probing = null;
      });
    return this.probing;
  }

  health(now: number): ReplicaLagHealth {
    const reading = this.reading;
    const fresh = reading !== null && now - reading.measuredAt <= 2 * this.policy.probeIntervalMs;
    return {
      maxLagMs: this.policy.maxLagMs,
      readsGoTo: fresh && reading.lagMs <= this.policy.maxLagMs ? "replica" : "primary",
      lagMs: reading?.lagMs ?? null,
      servedByPrimary: reading?.servedByPrimary ?? null,
      region: reading?.region ?? null,
      measuredAt: reading ? new Date(reading.measuredAt).toISOString() : null,
    };
  }
}
