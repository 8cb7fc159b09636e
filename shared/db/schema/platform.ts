import { integer, sqliteTable } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/**
 * One row the primary rewrites with its own clock while replica reads are on
 * (docs/latency.md#replica-lag): a read replica's copy of `beatAt` is as old as the newest
 * primary write it has applied, so the primary's value minus the replica's is the replica's lag.
 */
export const replicaHeartbeat = sqliteTable("replica_heartbeat", {
  id: integer("id").primaryKey(),
  beatAt: timestamp("beat_at").notNull(),
});
