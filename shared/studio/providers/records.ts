import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { studioDevTasks, studioModels, studioProviders } from "../../db/schema/studio-providers";

export type ProviderRow = typeof studioProviders.$inferSelect;
export type ModelRow = typeof studioModels.$inferSelect;

/** Inserts the provider; false when its id is taken. */
export async function insertProvider(db: Database, row: typeof studioProviders.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(studioProviders).values(row).onConflictDoNothing().returning({ id: studioProviders.id });
  return inserted.length > 0;
}

export async function findProvider(db: Database, id: string): Promise<ProviderRow | undefined> {
  return db.select().from(studioProviders).where(eq(studioProviders.id, id)).get();
}

export async function listProviderRows(db: Database): Promise<ProviderRow[]> {
  return db.select().from(studioProviders).orderBy(asc(studioProviders.id)).limit(500);
}

/** Changes a provider's stored fields; false when there is no such provider. */
export async function updateProviderRow(db: Database, id: string, changes: Partial<typeof studioProviders.$inferInsert>): Promise<boolean> {
  const rows = await db.update(studioProviders).set(changes).where(eq(studioProviders.id, id)).returning({ id: studioProviders.id });
  return rows.length === 1;
}

/** The models of one provider (on studio_models_provider_idx). */
export async function listProviderModelRows(db: Database, providerId: string): Promise<ModelRow[]> {
  return db.select().from(studioModels).where(eq(studioModels.providerId, providerId)).orderBy(asc(studioModels.id));
}

export async function findModelOfProvider(db: Database, providerId: string, modelId: string): Promise<ModelRow | undefined> {
  return db
    .select()
    .from(studioModels)
    .where(and(eq(studioModels.id, modelId), eq(studioModels.providerId, providerId)))
    .get();
}

/** Replaces a model's stored definition; false when it is not a model of that provider any more. */
export async function updateModelRow(db: Database, providerId: string, modelId: string, changes: Partial<typeof studioModels.$inferInsert>): Promise<boolean> {
  const rows = await db
    .update(studioModels)
    .set(changes)
    .where(and(eq(studioModels.id, modelId), eq(studioModels.providerId, providerId)))
    .returning({ id: studioModels.id });
  return rows.length === 1;
}

/** Inserts the model; false when its id is taken. */
export async function insertModel(db: Database, row: typeof studioModels.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(studioModels).values(row).onConflictDoNothing().returning({ id: studioModels.id });
  return inserted.length > 0;
}

/** Every stored model; with `offeredOnly`, those active whose provider is active too. */
export async function listModelRows(db: Database, options: { offeredOnly?: boolean } = {}): Promise<ModelRow[]> {
  const rows = options.offeredOnly
    ? (
        await db
          .select({ model: studioModels })
          .from(studioModels)
          .innerJoin(studioProviders, eq(studioProviders.id, studioModels.providerId))
          .where(and(eq(studioModels.active, true), eq(studioProviders.active, true)))
          .orderBy(asc(studioModels.providerId), asc(studioModels.id))
          .limit(1000)
      ).map((row) => row.model)
    : await db.select().from(studioModels).orderBy(asc(studioModels.providerId), asc(studioModels.id)).limit(1000);
  return rows;
}

/** A stored model's name (null for the built-in ones and for models that are gone). */
export async function findModelName(db: Database, modelId: string): Promise<string | null> {
  const row = await db.select({ name: studioModels.name }).from(studioModels).where(eq(studioModels.id, modelId)).get();
  return row?.name ?? null;
}

/** A model with its provider. */
export async function findModelWithProvider(db: Database, modelId: string): Promise<{ model: ModelRow; provider: ProviderRow } | undefined> {
  const [row] = await db
    .select({ model: studioModels, provider: studioProviders })
    .from(studioModels)
    .innerJoin(studioProviders, eq(studioProviders.id, studioModels.providerId))
    .where(eq(studioModels.id, modelId))
    .limit(1);
  return row;
}

/** Records a development task; a second start with the same id keeps the first. */
export async function insertDevTask(db: Database, row: typeof studioDevTasks.$inferInsert): Promise<void> {
  await db.insert(studioDevTasks).values(row).onConflictDoNothing();
}

/** Counts one more poll of a development task; undefined when there is no such task. */
export async function pollDevTask(db: Database, id: string): Promise<{ polls: number; input: string; modelId: string; cancelledAt: Date | null } | undefined> {
  const [row] = await db
    .update(studioDevTasks)
    .set({ polls: sql`${studioDevTasks.polls} + 1` })
    .where(eq(studioDevTasks.id, id))
    .returning({ polls: studioDevTasks.polls, input: studioDevTasks.input, modelId: studioDevTasks.modelId, cancelledAt: studioDevTasks.cancelledAt });
  return row;
}

/** Records the cancellation of a development task (the first one stays); false when there is no such task of the model. */
export async function cancelDevTask(db: Database, id: string, modelId: string, at: Date): Promise<boolean> {
  const [row] = await db
    .update(studioDevTasks)
    .set({ cancelledAt: sql`coalesce(${studioDevTasks.cancelledAt}, ${at.getTime()})` })
    .where(and(eq(studioDevTasks.id, id), eq(studioDevTasks.modelId, modelId)))
    .returning({ id: studioDevTasks.id });
  return row !== undefined;
}
