// What the rest of the platform asks of replica reads (Deps.replicaReads), apart from how lag is
// measured (replica-lag.ts): kept free of imports so the deps' type does not pull the metrics in.

export type ReadTarget = "primary" | "replica";

export interface ReplicaLagHealth {
  maxLagMs: number;
  /** What reads that may use a replica do now in this isolate. */
  readsGoTo: ReadTarget;
  lagMs: number | null;
  servedByPrimary: boolean | null;
  region: string | null;
  measuredAt: string | null;
}

/** Where a replica-eligible read goes now, a fresh measurement, and the state /ready shows. */
export interface ReplicaReads {
  target(now: number): ReadTarget;
  probe(now: number): Promise<void>;
  health(now: number): ReplicaLagHealth;
}
