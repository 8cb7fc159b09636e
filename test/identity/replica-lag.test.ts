import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { d1HeartbeatLag, type ReplicaLagReading, type ReplicaLagSource, ReplicaReadGuard } from "../../shared/db/replica-lag";
import { createDatabase } from "../../shared/db/client";
import { metrics, flushMetrics } from "../../shared/observability/metrics";
import { authenticate } from "../../shared/identity/sessions/principal";
import worker from "../../workers/index";
import { api, registerUser } from "../helpers";
import { testDeps } from "../kit/deps";
import { recordingDb } from "../kit/recording-db";

/** A lag source an operator's replica would be: the test sets the lag it reports (or makes it fail). */
class FakeReplicaLag implements ReplicaLagSource {
  lagMs = 0;
  region = "WEUR";
  failing = false;
  measured = 0;
  async measure(now: number): Promise<ReplicaLagReading> {
    this.measured++;
    if (this.failing) throw new Error("replica unreachable");
    return { lagMs: this.lagMs, servedByPrimary: false, region: this.region, measuredAt: now };
  }
}

const POLICY = { maxLagMs: 2000, probeIntervalMs: 10_000 };

function guardOver(source: ReplicaLagSource) {
  const deferred: Promise<unknown>[] = [];
  const guard = new ReplicaReadGuard(source, POLICY, (work) => deferred.push(work));
  return { guard, settle: () => Promise.all(deferred) };
}

describe("ReplicaReadGuard: replica reads only while the measured lag is within REPLICA_MAX_LAG_MS", () => {
  it("reads the primary until the first measurement, then the replica while the lag is small", async () => {
    const source = new FakeReplicaLag();
    const { guard, settle } = guardOver(source);
    expect(guard.target(1_000)).toBe("primary");
    await settle();
    expect(source.measured).toBe(1);
    expect(guard.target(2_000)).toBe("replica");
    // One probe per interval, not one per request.
    expect(source.measured).toBe(1);
  });

  it("falls back to the primary past the configured lag and returns once the replica catches up", async () => {
    const source = new FakeReplicaLag();
    const { guard, settle } = guardOver(source);
    source.lagMs = 5_000;
    await guard.probe(0);
    expect(guard.target(1)).toBe("primary");
    expect(guard.health(1)).toMatchObject({ readsGoTo: "primary", lagMs: 5_000, region: "WEUR", maxLagMs: 2000 });

    source.lagMs = 2_000;
    expect(guard.target(POLICY.probeIntervalMs)).toBe("primary"); // the new probe answers for the next request
    await settle();
    expect(guard.target(POLICY.probeIntervalMs + 1)).toBe("replica");
  });

  it("a probe that fails keeps the last reading only until it is two intervals old, then reads the primary", async () => {
    const source = new FakeReplicaLag();
    const { guard, settle } = guardOver(source);
    await guard.probe(0);
    source.failing = true;
    expect(guard.target(POLICY.probeIntervalMs)).toBe("replica");
    await settle();
    expect(guard.target(2 * POLICY.probeIntervalMs + 1)).toBe("primary");
  });
});

describe("the session check with AUTH_SESSION_READS=replica", () => {
  it("reads through a replica session while the lag is small and from the primary past REPLICA_MAX_LAG_MS", async () => {
    const user = await registerUser();
    const { DB, sessions } = recordingDb();
    const source = new FakeReplicaLag();
    const { guard } = guardOver(source);
    const deps = testDeps({ bindings: { DB }, vars: { AUTH_SESSION_READS: "replica" }, replicaReads: guard });

    await guard.probe(deps.clock.now());
    await authenticate(deps, user.accessToken);
    expect(sessions).toEqual(["first-unconstrained"]);

    source.lagMs = 60_000;
    await guard.probe(deps.clock.now());
    const { principal } = await authenticate(deps, user.accessToken);
    expect(principal.userId).toBe(user.id);
    expect(sessions).toEqual(["first-unconstrained"]);
  });

  it("primary mode never measures or opens a replica session", async () => {
    const user = await registerUser();
    const { DB, sessions } = recordingDb();
    const source = new FakeReplicaLag();
    const deps = testDeps({ bindings: { DB }, vars: { AUTH_SESSION_READS: "primary" }, replicaReads: guardOver(source).guard });
    await authenticate(deps, user.accessToken);
    expect(sessions).toEqual([]);
    expect(source.measured).toBe(0);
  });
});

/** The binding with a replica that answers from an older heartbeat, as a lagging D1 replica would. */
function dbWithLaggingReplica(replicaBeatAt: number | null): D1Database {
  const replica = {
    prepare: (sql: string) => ({
      all: async () => ({
        results: sql.includes("replica_heartbeat") && replicaBeatAt !== null ? [{ beatAt: replicaBeatAt }] : [],
        success: true,
        meta: { served_by_primary: false, served_by_region: "APAC", duration: 0, changes: 0, last_row_id: 0, changed_db: false, size_after: 0, rows_read: 1, rows_written: 0 },
      }),
    }),
  };
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === "withSession") return () => replica;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("d1HeartbeatLag: the heartbeat measurement on D1", () => {
  it("against the local database (the primary answers both reads) measures 0 and moves the primary's heartbeat", async () => {
    const lag = d1HeartbeatLag(createDatabase(env.DB));
    const now = Date.now();
    expect(await lag.measure(now)).toEqual({ lagMs: 0, servedByPrimary: true, region: null, measuredAt: now });
    const row = await env.DB.prepare("SELECT beat_at FROM replica_heartbeat WHERE id = 1").first<{ beat_at: number }>();
    expect(row!.beat_at).toBeGreaterThanOrEqual(now);
  });

  it("a replica holding an older heartbeat is behind by the difference to the primary's", async () => {
    const beat = Date.now() + 1_000_000;
    await d1HeartbeatLag(createDatabase(env.DB)).measure(beat);
    const reading = await d1HeartbeatLag(createDatabase(dbWithLaggingReplica(beat - 3_500))).measure(beat + 10_000);
    expect(reading).toMatchObject({ lagMs: 3_500, servedByPrimary: false, region: "APAC" });
  });

  it("a replica without any heartbeat yet is behind by at least the primary's heartbeat's age", async () => {
    const beat = Date.now() + 2_000_000;
    await d1HeartbeatLag(createDatabase(env.DB)).measure(beat);
    const reading = await d1HeartbeatLag(createDatabase(dbWithLaggingReplica(null))).measure(beat + 7_000);
    expect(reading.lagMs).toBe(7_000);
  });
});

describe("replica lag on /ready and /metrics", () => {
  it("/ready measures and reports the lag when replica reads are on, and null when they are off", async () => {
    const ready = async (vars: Record<string, string>) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request("http://platform.test/ready"), { ...env, ...vars } as typeof env, ctx);
      await waitOnExecutionContext(ctx);
      return (await response.json()) as { replica: unknown };
    };
    expect((await ready({ AUTH_SESSION_READS: "replica", REPLICA_MAX_LAG_MS: "1500" })).replica).toMatchObject({
      maxLagMs: 1500,
      readsGoTo: "replica",
      lagMs: 0,
      servedByPrimary: true,
    });
    expect((await ready({ AUTH_SESSION_READS: "primary" })).replica).toBeNull();
  });

  it("/metrics shows d1_replica_lag_seconds by region and the fallbacks by reason", async () => {
    const source = new FakeReplicaLag();
    source.lagMs = 4_250;
    // A region no other test here reports: the gauge keeps the highest value of its window.
    source.region = "OC";
    const { guard } = guardOver(source);
    await guard.probe(Date.now());
    guard.target(Date.now());
    await flushMetrics(testDeps());
    expect(metrics.isEmpty).toBe(true);

    const response = await api("/metrics", { token: "test-metrics-token" });
    const families = parsePrometheusTextFormat(await response.text());
    const lag = families.find((f) => f.name === "d1_replica_lag_seconds")?.metrics as unknown as { labels: Record<string, string>; value: string }[];
    expect(lag.find((series) => series.labels.region === "OC")?.value).toBe("4.25");
    const fallbacks = families.find((f) => f.name === "d1_replica_fallbacks_total")?.metrics as unknown as { labels: Record<string, string>; value: string }[];
    expect(Number(fallbacks.find((series) => series.labels.reason === "lag")?.value)).toBeGreaterThanOrEqual(1);
  });
});
