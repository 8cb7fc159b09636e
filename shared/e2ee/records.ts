import { and, asc, count, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { type Database, runBatch } from "../db/client";
import { mlsDevices, mlsKeyBackups, mlsKeyPackages } from "../db/schema/e2ee";
import { sessions } from "../db/schema/identity";

/** Every query of the e2ee tables (`mls_devices`, `mls_key_packages`, `mls_key_backups`). */

export type MlsDeviceRecord = typeof mlsDevices.$inferSelect;
export type MlsKeyBackupRecord = typeof mlsKeyBackups.$inferSelect;

/** `column IN (the list)` bound as one JSON parameter (D1 allows at most 100 bound parameters). */
const inJsonList = (column: SQLiteColumn, values: readonly string[]): SQL => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** A device counts while it has not ended and its session is live (not revoked, not expired). */
const liveDevice = (now: Date) => and(isNull(mlsDevices.endedAt), isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

// devices

export async function findSessionDevice(db: Database, sessionId: string): Promise<MlsDeviceRecord | undefined> {
  return db.select().from(mlsDevices).where(eq(mlsDevices.sessionId, sessionId)).get();
}

/** Inserts the session's device unless it has one (two registrations racing: one row, both read it back). */
export async function insertDevice(db: Database, device: typeof mlsDevices.$inferInsert): Promise<MlsDeviceRecord> {
  await db.insert(mlsDevices).values(device).onConflictDoNothing({ target: mlsDevices.sessionId });
  return (await findSessionDevice(db, device.sessionId)) as MlsDeviceRecord;
}

/** The live devices of `userIds`, oldest first. */
export async function liveDevicesOf(db: Database, userIds: readonly string[], now: Date): Promise<MlsDeviceRecord[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ device: mlsDevices })
    .from(mlsDevices)
    .innerJoin(sessions, eq(sessions.id, mlsDevices.sessionId))
    .where(and(inJsonList(mlsDevices.userId, userIds), liveDevice(now)))
    .orderBy(asc(mlsDevices.createdAt))
    .then((rows) => rows.map((row) => row.device));
}

/** Of `deviceIds`, those that are live now. */
export async function liveDeviceIds(db: Database, deviceIds: readonly string[], now: Date): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  const rows = await db
    .select({ id: mlsDevices.id })
    .from(mlsDevices)
    .innerJoin(sessions, eq(sessions.id, mlsDevices.sessionId))
    .where(and(inJsonList(mlsDevices.id, deviceIds), liveDevice(now)));
  return new Set(rows.map((row) => row.id));
}

/** The ended sessions' devices are marked ended and lose every key package, in one batch. */
export async function endSessionDevices(db: Database, sessionIds: readonly string[], now: Date): Promise<void> {
  if (sessionIds.length === 0) return;
  const ofSessions = sql`${mlsKeyPackages.deviceId} IN (SELECT ${mlsDevices.id} FROM ${mlsDevices} WHERE ${inJsonList(mlsDevices.sessionId, sessionIds)})`;
  await runBatch(db, [
    db.delete(mlsKeyPackages).where(ofSessions),
    db
      .update(mlsDevices)
      .set({ endedAt: now })
      .where(and(inJsonList(mlsDevices.sessionId, sessionIds), isNull(mlsDevices.endedAt))),
  ]);
}

export function deleteUserE2eeQueries(db: Database, userId: string) {
  return [
    db.delete(mlsKeyPackages).where(eq(mlsKeyPackages.userId, userId)),
    db.delete(mlsDevices).where(eq(mlsDevices.userId, userId)),
    db.delete(mlsKeyBackups).where(eq(mlsKeyBackups.userId, userId)),
  ];
}

export async function listUserDevices(db: Database, userId: string): Promise<MlsDeviceRecord[]> {
  return db.select().from(mlsDevices).where(eq(mlsDevices.userId, userId)).orderBy(asc(mlsDevices.createdAt));
}

// key packages

export type NewKeyPackage = Omit<typeof mlsKeyPackages.$inferInsert, "lastResort" | "claimedAt" | "claimedBy">;

const unclaimed = (deviceId: string, now: Date) =>
  and(eq(mlsKeyPackages.deviceId, deviceId), eq(mlsKeyPackages.lastResort, false), isNull(mlsKeyPackages.claimedAt), gt(mlsKeyPackages.expiresAt, now));

/**
 * Stores `packages` (one-time) unless the device would hold more than `max` unclaimed ones
 * (counted inside the insert), then replaces its last-resort package (delete and insert in one
 * batch); false when the cap refused them (nothing written). A package stored before (same ref,
 * a retried upload) is skipped.
 */
export async function storeKeyPackages(
  db: Database,
  deviceId: string,
  packages: readonly NewKeyPackage[],
  lastResort: NewKeyPackage | undefined,
  max: number,
  now: Date,
): Promise<boolean> {
  if (packages.length > 0) {
    const fresh = await packagesNotStored(db, packages);
    if (fresh.length > 0) {
      const countHeld = sql`select count(*) from ${mlsKeyPackages} where ${unclaimed(deviceId, now)}`;
      // The rows go in as one JSON parameter: an upload may hold 100 packages, and D1 binds at most
      // 100 values per statement (a VALUES list took 9 per package). One statement, so the cap
      // counted inside it holds for the whole upload, and it is stored whole or not at all.
      const rows = JSON.stringify(fresh.map((p) => [p.ref, p.deviceId, p.userId, p.keyPackage, p.expiresAt.getTime(), p.createdAt.getTime()]));
      const column = (index: number) => sql.raw(`json_extract(value, '$[${index}]')`);
      // A racing upload of the same package makes this insert conflict: that one stored it.
      const result = await db.run(
        sql`insert into ${mlsKeyPackages} (${sql.identifier(mlsKeyPackages.ref.name)}, ${sql.identifier(mlsKeyPackages.deviceId.name)}, ${sql.identifier(mlsKeyPackages.userId.name)}, ${sql.identifier(mlsKeyPackages.keyPackage.name)}, ${sql.identifier(mlsKeyPackages.lastResort.name)}, ${sql.identifier(mlsKeyPackages.expiresAt.name)}, ${sql.identifier(mlsKeyPackages.createdAt.name)})
            select ${column(0)}, ${column(1)}, ${column(2)}, ${column(3)}, 0, ${column(4)}, ${column(5)} from json_each(${rows})
            where (${countHeld}) + ${fresh.length} <= ${max} on conflict do nothing`,
      );
      if ((result.meta?.changes ?? 0) === 0 && (await packagesNotStored(db, fresh)).length > 0) return false;
    }
  }
  if (lastResort) {
    await runBatch(db, [
      db.delete(mlsKeyPackages).where(and(eq(mlsKeyPackages.deviceId, deviceId), eq(mlsKeyPackages.lastResort, true))),
      db
        .insert(mlsKeyPackages)
        .values({ ...lastResort, lastResort: true })
        .onConflictDoNothing(),
    ]);
  }
  return true;
}

async function packagesNotStored(db: Database, packages: readonly NewKeyPackage[]): Promise<NewKeyPackage[]> {
  const stored = await db
    .select({ ref: mlsKeyPackages.ref })
    .from(mlsKeyPackages)
    .where(
      inJsonList(
        mlsKeyPackages.ref,
        packages.map((p) => p.ref),
      ),
    );
  const known = new Set(stored.map((row) => row.ref));
  return packages.filter((p) => !known.has(p.ref));
}

/**
 * Claims one one-time package of the device for `claimedBy`: a single UPDATE ... RETURNING, so
 * parallel claims never receive the same package. Undefined when none is left.
 */
export async function claimKeyPackage(db: Database, deviceId: string, claimedBy: string, now: Date): Promise<string | undefined> {
  const pick = sql`(select ${mlsKeyPackages.ref} from ${mlsKeyPackages} where ${unclaimed(deviceId, now)} order by ${mlsKeyPackages.createdAt} limit 1)`;
  const row = await db
    .update(mlsKeyPackages)
    .set({ claimedAt: now, claimedBy })
    .where(and(eq(mlsKeyPackages.ref, pick), isNull(mlsKeyPackages.claimedAt)))
    .returning({ keyPackage: mlsKeyPackages.keyPackage })
    .get();
  return row?.keyPackage;
}

export async function lastResortPackage(db: Database, deviceId: string, now: Date): Promise<string | undefined> {
  const row = await db
    .select({ keyPackage: mlsKeyPackages.keyPackage })
    .from(mlsKeyPackages)
    .where(and(eq(mlsKeyPackages.deviceId, deviceId), eq(mlsKeyPackages.lastResort, true), gt(mlsKeyPackages.expiresAt, now)))
    .get();
  return row?.keyPackage;
}

export async function countUnclaimed(db: Database, deviceId: string, now: Date): Promise<number> {
  const row = await db.select({ n: count() }).from(mlsKeyPackages).where(unclaimed(deviceId, now)).get();
  return row?.n ?? 0;
}

// key backups

export async function findKeyBackup(db: Database, userId: string): Promise<MlsKeyBackupRecord | undefined> {
  return db.select().from(mlsKeyBackups).where(eq(mlsKeyBackups.userId, userId)).get();
}

/**
 * Writes the backup as version `replaces + 1` if the stored one is version `replaces` (0: none
 * stored), in one statement; the new version, or undefined when another upload came first.
 */
export async function replaceKeyBackup(db: Database, userId: string, replaces: number, blob: string, now: Date): Promise<number | undefined> {
  const row = await db.get<{ version: number }>(sql`
    insert into ${mlsKeyBackups} (user_id, version, blob, updated_at)
    select ${userId}, ${replaces + 1}, ${blob}, ${now.getTime()}
    where ${replaces} = 0 or exists (select 1 from ${mlsKeyBackups} where user_id = ${userId})
    on conflict (user_id) do update set version = excluded.version, blob = excluded.blob, updated_at = excluded.updated_at
      where ${mlsKeyBackups}.version = ${replaces}
    returning version`);
  return row?.version;
}

export async function deleteKeyBackup(db: Database, userId: string): Promise<boolean> {
  const rows = await db.delete(mlsKeyBackups).where(eq(mlsKeyBackups.userId, userId)).returning({ userId: mlsKeyBackups.userId });
  return rows.length > 0;
}
