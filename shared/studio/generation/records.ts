import { and, asc, desc, eq, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { studioAssets } from "../../db/schema/studio";
import { studioEditConfigs, studioGenerations } from "../../db/schema/studio-generation";

/** Every query of generation: the generation rows and the status transitions of the assets they make. */

export type AssetRecord = typeof studioAssets.$inferSelect;
export type NewAssetRecord = typeof studioAssets.$inferInsert;
export type GenerationRecord = typeof studioGenerations.$inferSelect;

const ACTIVE = ["pending", "processing"] as const;

/**
 * Stores the pending assets and their generation rows in ONE statement each, guarded by the
 * owner's slots in use plus these fitting `limit`: parallel requests cannot all take the last
 * slots. A slot is in use while an asset is pending or processing, and while a generation whose
 * asset was deleted still has a provider task running (its row stays until the task is
 * cancelled, ends or times out). Returns false (nothing stored) when they would not fit.
 */
export async function insertPendingAssets(
  db: Database,
  assets: readonly NewAssetRecord[],
  generations: readonly (typeof studioGenerations.$inferInsert)[],
  ownerId: string,
  limit: number,
): Promise<boolean> {
  const ms = (date: unknown) => (date as Date).getTime();
  // One request's assets share their Smart Edit version; it is written as a literal (an integer or
  // NULL), since D1 allows 100 bound values per statement and 8 assets of 12 values take 96 of them.
  const version = assets[0]?.editConfigVersion;
  const editConfigVersion = Number.isSafeInteger(version) ? String(version) : "NULL";
  const assetValues = assets.flatMap((a) => [
    a.id,
    a.boxId,
    a.ownerId,
    a.type,
    a.source,
    a.prompt ?? "",
    a.modelId ?? null,
    a.params ?? "{}",
    a.seed ?? null,
    a.parentAssetId ?? null,
    ms(a.createdAt),
    ms(a.updatedAt),
  ]);
  const generationValues = generations.flatMap((g) => [g.assetId, g.ownerId, g.token, g.modelId ?? null, g.request ?? null, ms(g.deadlineAt), ms(g.updatedAt)]);
  const rows = (n: number, columns: number) => Array.from({ length: n }, () => `(${Array.from({ length: columns }, () => "?").join(", ")})`).join(", ");
  // A multi-row INSERT ... SELECT has no drizzle builder; both statements run as one D1 batch (one transaction).
  const [inserted] = await db.$client.batch<{ id: string }>([
    db.$client
      .prepare(
        `INSERT INTO studio_assets (id, box_id, owner_id, type, status, source, prompt, model_id, params, seed, parent_asset_id, edit_config_version, favorite, attempts, created_at, updated_at)
         SELECT column1, column2, column3, column4, 'pending', column5, column6, column7, column8, column9, column10, ${editConfigVersion}, 0, 0, column11, column12
         FROM (VALUES ${rows(assets.length, 12)})
         WHERE (SELECT count(*) FROM studio_assets WHERE owner_id = ? AND status IN ('pending', 'processing'))
             + (SELECT count(*) FROM studio_generations g WHERE g.owner_id = ? AND NOT EXISTS (SELECT 1 FROM studio_assets a WHERE a.id = g.asset_id))
             + ? <= ?
         RETURNING id`,
      )
      .bind(...assetValues, ownerId, ownerId, assets.length, limit),
    // Only for the assets the statement above stored.
    db.$client
      .prepare(
        `INSERT INTO studio_generations (asset_id, owner_id, token, model_id, request, deadline_at, updated_at)
         SELECT column1, column2, column3, column4, column5, column6, column7 FROM (VALUES ${rows(generations.length, 7)})
         WHERE EXISTS (SELECT 1 FROM studio_assets a WHERE a.id = column1 AND a.status = 'pending')`,
      )
      .bind(...generationValues),
  ]);
  return inserted!.results.length === assets.length;
}

/** An asset with its generation row (undefined when the asset is gone). */
export async function findGeneration(db: Database, assetId: string): Promise<{ asset: AssetRecord; generation: GenerationRecord | null } | undefined> {
  const row = await db
    .select({ asset: studioAssets, generation: studioGenerations })
    .from(studioAssets)
    .leftJoin(studioGenerations, eq(studioGenerations.assetId, studioAssets.id))
    .where(eq(studioAssets.id, assetId))
    .get();
  return row ?? undefined;
}

/** The generation row alone (it outlives a deleted asset while the provider's task runs). */
export async function findGenerationRow(db: Database, assetId: string): Promise<GenerationRecord | undefined> {
  return db.select().from(studioGenerations).where(eq(studioGenerations.assetId, assetId)).get();
}

export async function findAsset(db: Database, assetId: string): Promise<AssetRecord | undefined> {
  return db.select().from(studioAssets).where(eq(studioAssets.id, assetId)).get();
}

const current = (assetId: string, token: string) => and(eq(studioGenerations.assetId, assetId), eq(studioGenerations.token, token));

/**
 * Counts one provider call of the generation `token` holds, moving the asset to `processing`.
 * Returns the asset as it is now, or undefined when the token is stale or the asset finished.
 */
export async function countProviderCall(db: Database, assetId: string, token: string, now: number): Promise<AssetRecord | undefined> {
  const [, rows] = await db.batch([
    db
      .update(studioGenerations)
      .set({ updatedAt: new Date(now) })
      .where(current(assetId, token)),
    db
      .update(studioAssets)
      .set({ status: "processing", attempts: sql`${studioAssets.attempts} + 1`, updatedAt: new Date(now) })
      .where(
        and(
          eq(studioAssets.id, assetId),
          inArray(studioAssets.status, [...ACTIVE]),
          sql`EXISTS (SELECT 1 FROM ${studioGenerations} WHERE ${studioGenerations.assetId} = ${assetId} AND ${studioGenerations.token} = ${token})`,
        ),
      )
      .returning(),
  ]);
  return rows[0];
}

/**
 * Stores the provider's task id (once: a repeated start keeps the first) on the asset and on its
 * generation, which keeps it if the asset is deleted meanwhile, so the task can still be cancelled.
 */
export async function saveProviderTask(db: Database, assetId: string, taskId: string, now: number): Promise<void> {
  await db.batch([
    db
      .update(studioAssets)
      .set({ providerTaskId: taskId, updatedAt: new Date(now) })
      .where(and(eq(studioAssets.id, assetId), isNull(studioAssets.providerTaskId), inArray(studioAssets.status, [...ACTIVE]))),
    db
      .update(studioGenerations)
      .set({ providerTaskId: taskId })
      .where(and(eq(studioGenerations.assetId, assetId), isNull(studioGenerations.providerTaskId))),
  ]);
}

/** Remembers that the provider refused to cancel the task of a deleted asset (it is polled to its end instead). */
export async function markCancelRefused(db: Database, assetId: string, now: number): Promise<void> {
  await db
    .update(studioGenerations)
    .set({ cancelRefusedAt: new Date(now) })
    .where(eq(studioGenerations.assetId, assetId));
}

/** Keeps the result URLs the provider named, so later steps download them without asking it again. */
export async function saveOutput(db: Database, assetId: string, token: string, urls: readonly string[]): Promise<void> {
  await db
    .update(studioGenerations)
    .set({ output: JSON.stringify(urls) })
    .where(current(assetId, token));
}

/**
 * Hands the generation to a new message: only the holder of `token` can, so of two deliveries of
 * one message at most one goes on. False when the token was stale.
 */
export async function passToken(db: Database, assetId: string, token: string, next: string, lastError: string | null, now: number): Promise<boolean> {
  const rows = await db
    .update(studioGenerations)
    .set({ token: next, updatedAt: new Date(now), ...(lastError !== null ? { lastError } : {}) })
    .where(current(assetId, token))
    .returning({ assetId: studioGenerations.assetId });
  return rows.length === 1;
}

/** Completes the asset with its files (and adds siblings for further results), ending its generation; undefined when it was not active any more. */
export async function completeAsset(
  db: Database,
  assetId: string,
  files: { fileId: string; thumbnailFileId: string | null },
  siblings: readonly NewAssetRecord[],
  now: number,
): Promise<{ asset: AssetRecord; siblings: AssetRecord[] } | undefined> {
  const at = new Date(now);
  const [updated, ...rest] = await db.batch([
    db
      .update(studioAssets)
      .set({ status: "completed", fileId: files.fileId, thumbnailFileId: files.thumbnailFileId, error: null, updatedAt: at })
      .where(and(eq(studioAssets.id, assetId), inArray(studioAssets.status, [...ACTIVE])))
      .returning(),
    db.delete(studioGenerations).where(eq(studioGenerations.assetId, assetId)),
    ...siblings.map((s) => db.insert(studioAssets).values(s).onConflictDoNothing().returning()),
  ]);
  const asset = updated[0];
  if (!asset) return undefined;
  return { asset, siblings: rest.slice(1).flatMap((r) => r as AssetRecord[]) };
}

/** Fails the asset with `error`, ending its generation; undefined when it was not active any more. */
export async function failAsset(db: Database, assetId: string, error: string, now: number): Promise<AssetRecord | undefined> {
  const [updated] = await db.batch([
    db
      .update(studioAssets)
      .set({ status: "failed", error: error.slice(0, 1000), updatedAt: new Date(now) })
      .where(and(eq(studioAssets.id, assetId), inArray(studioAssets.status, [...ACTIVE])))
      .returning(),
    db.delete(studioGenerations).where(eq(studioGenerations.assetId, assetId)),
  ]);
  return updated[0];
}

/** Drops the generation row of an asset that is gone or finished: its slot is free again. */
export async function dropGeneration(db: Database, assetId: string): Promise<void> {
  await db.delete(studioGenerations).where(eq(studioGenerations.assetId, assetId));
}

/**
 * The statement that ends the generations of the assets `which` selects that never reached the
 * provider (still `pending`: no call was counted, so none is in flight), for a batch that deletes
 * those assets: their slots are free at once. Generations that did reach it stay behind the
 * deleted asset until their task is cancelled, ends or times out.
 */
export function dropUnstartedGenerationsQuery(db: Database, which: SQL | undefined) {
  return db.delete(studioGenerations).where(
    inArray(
      studioGenerations.assetId,
      db
        .select({ id: studioAssets.id })
        .from(studioAssets)
        .where(and(which, eq(studioAssets.status, "pending"))),
    ),
  );
}

/** Generations past their deadline, oldest first. */
export async function findOverdueGenerations(db: Database, now: number, limit: number): Promise<GenerationRecord[]> {
  return db
    .select()
    .from(studioGenerations)
    .where(lt(studioGenerations.deadlineAt, new Date(now)))
    .orderBy(asc(studioGenerations.deadlineAt))
    .limit(limit);
}

/** Generations whose message was last handed on before `idleSince` (lost in a crash between steps). */
export async function findIdleGenerations(db: Database, idleSince: number, limit: number): Promise<GenerationRecord[]> {
  return db
    .select()
    .from(studioGenerations)
    .where(lt(studioGenerations.updatedAt, new Date(idleSince)))
    .orderBy(asc(studioGenerations.updatedAt))
    .limit(limit);
}

/** Assets still pending or processing without a generation row (e.g. their generation was lost); for the sweep. */
export async function findOrphanedActiveAssets(db: Database, updatedBefore: number, limit: number): Promise<AssetRecord[]> {
  return db
    .select()
    .from(studioAssets)
    .where(
      and(
        inArray(studioAssets.status, [...ACTIVE]),
        lt(studioAssets.updatedAt, new Date(updatedBefore)),
        sql`NOT EXISTS (SELECT 1 FROM ${studioGenerations} WHERE ${studioGenerations.assetId} = ${studioAssets.id})`,
      ),
    )
    .limit(limit);
}

export type EditConfigRecord = typeof studioEditConfigs.$inferSelect;

/** The Smart Edit configuration in force (the newest version), if any was ever saved. */
export async function findCurrentEditConfig(db: Database): Promise<EditConfigRecord | undefined> {
  const [row] = await db.select().from(studioEditConfigs).orderBy(desc(studioEditConfigs.version)).limit(1);
  return row;
}

export async function findEditConfigVersion(db: Database, version: number): Promise<EditConfigRecord | undefined> {
  const [row] = await db.select().from(studioEditConfigs).where(eq(studioEditConfigs.version, version));
  return row;
}

/** Versions newest first, below `before` when given. */
export async function listEditConfigs(db: Database, before: number | undefined, limit: number): Promise<EditConfigRecord[]> {
  return db
    .select()
    .from(studioEditConfigs)
    .where(before === undefined ? undefined : lt(studioEditConfigs.version, before))
    .orderBy(desc(studioEditConfigs.version))
    .limit(limit);
}

/**
 * Saves the next version in ONE statement: its number is the newest plus one, and only when the
 * newest is `expected` (0 for none yet), so of two admins saving from the same version one wins
 * and the other learns it changed. The saved row, or undefined when `expected` was stale.
 */
export async function insertNextEditConfig(db: Database, expected: number, row: Omit<EditConfigRecord, "version">): Promise<EditConfigRecord | undefined> {
  const newest = sql`(SELECT COALESCE(MAX(${studioEditConfigs.version}), 0) FROM ${studioEditConfigs})`;
  const inserted = await db.run(
    sql`INSERT INTO ${studioEditConfigs} (version, system_prompt, params, note, created_by, created_at)
        SELECT ${newest} + 1, ${row.systemPrompt}, ${row.params}, ${row.note}, ${row.createdBy}, ${row.createdAt.getTime()}
        WHERE ${newest} = ${expected}`,
  );
  if (!(inserted.meta?.changes ?? 0)) return undefined;
  return findEditConfigVersion(db, expected + 1);
}
