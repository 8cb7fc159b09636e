import { and, asc, desc, eq, getTableColumns, inArray, lt, notExists, or, sql, type SQL } from "drizzle-orm";
import { type BatchQuery, type Database, runBatch } from "../../db/client";
import { files } from "../../db/schema/media";
import { studioAssets, studioBoxes, studioCommentReads, studioComments, studioProjects, studioShareLinks } from "../../db/schema/studio";
import { copyOwnFileQueries, deleteOwnFilesQueries } from "../../media/records/files";
import { dropUnstartedGenerationsQuery } from "../generation/records";

/** Every query of the studio library's tables (projects, boxes, assets). */

export type ProjectRecord = typeof studioProjects.$inferSelect;
export type BoxRecord = typeof studioBoxes.$inferSelect;
export type AssetRecord = typeof studioAssets.$inferSelect;
export type NewAssetRecord = typeof studioAssets.$inferInsert;

/** A project with how many boxes and assets it holds. */
export type ProjectRow = ProjectRecord & { boxCount: number; assetCount: number };
/** A box with the count of visitors' comments its owner has not read, and of its assets. */
export type BoxRow = BoxRecord & { unreadComments: number; assetCount: number };
/** An asset with whether a box shows it as its headliner (retention keeps those), and its stored model's name. */
export type AssetRow = AssetRecord & { headliner: boolean; modelName: string | null };

// Select fields render their columns without the table name, so these name them in full.
const unreadComments = sql<number>`(SELECT count(*) FROM studio_comments c WHERE c.box_id = studio_boxes.id AND c.author_user_id IS NULL
  AND c.id > coalesce((SELECT r.last_read_comment_id FROM studio_comment_reads r WHERE r.box_id = studio_boxes.id AND r.user_id = studio_boxes.owner_id), ''))`;
// Counted through studio_assets_box_idx and studio_boxes_project_idx: a count reads index entries, never rows.
const boxAssetCount = sql<number>`(SELECT count(*) FROM studio_assets a WHERE a.box_id = studio_boxes.id)`;
const boxColumns = { ...getTableColumns(studioBoxes), unreadComments, assetCount: boxAssetCount };
const projectColumns = {
  ...getTableColumns(studioProjects),
  boxCount: sql<number>`(SELECT count(*) FROM studio_boxes b WHERE b.project_id = studio_projects.id)`,
  assetCount: sql<number>`(SELECT count(*) FROM studio_boxes b JOIN studio_assets a ON a.box_id = b.id WHERE b.project_id = studio_projects.id)`,
};

const isHeadliner = sql<number>`EXISTS (SELECT 1 FROM studio_boxes h WHERE h.headliner_asset_id = studio_assets.id)`;
// The built-in development models are not rows; views.ts names those.
const modelName = sql<string | null>`(SELECT m.name FROM studio_models m WHERE m.id = studio_assets.model_id)`;
const assetColumns = { ...getTableColumns(studioAssets), headliner: isHeadliner, modelName };
const toAssetRow = (row: AssetRecord & { headliner: number; modelName: string | null }): AssetRow => ({ ...row, headliner: Boolean(row.headliner) });

// Projects

export async function insertProject(db: Database, project: typeof studioProjects.$inferInsert): Promise<ProjectRow> {
  const [row] = await db.insert(studioProjects).values(project).returning();
  return { ...row!, boxCount: 0, assetCount: 0 };
}

export async function findOwnProject(db: Database, id: string, ownerId: string): Promise<ProjectRow | undefined> {
  return db
    .select(projectColumns)
    .from(studioProjects)
    .where(and(eq(studioProjects.id, id), eq(studioProjects.ownerId, ownerId)))
    .get();
}

/** Newest first; `before` is the last id of the previous page. */
export async function pageOwnProjects(db: Database, ownerId: string, before: string | undefined, limit: number): Promise<ProjectRow[]> {
  return db
    .select(projectColumns)
    .from(studioProjects)
    .where(and(eq(studioProjects.ownerId, ownerId), before ? lt(studioProjects.id, before) : undefined))
    .orderBy(desc(studioProjects.id))
    .limit(limit + 1);
}

export async function renameOwnProject(db: Database, id: string, ownerId: string, name: string, now: number): Promise<ProjectRow | undefined> {
  const renamed = await db
    .update(studioProjects)
    .set({ name, updatedAt: new Date(now) })
    .where(and(eq(studioProjects.id, id), eq(studioProjects.ownerId, ownerId)))
    .returning({ id: studioProjects.id });
  return renamed.length === 1 ? findOwnProject(db, id, ownerId) : undefined;
}

/**
 * The statements that delete assets (chosen by `which`, over studio_assets) with the media files
 * they own, so the blobs lose those references; headliner marks on them are cleared. Generations
 * that never reached the provider end with them; the others stay (holding their slot) until the
 * provider's task is cancelled, ends or times out (shared/studio/generation/pipeline.ts).
 */
function deleteAssetsQueries(db: Database, ownerId: string, which: SQL | undefined, now: number): [BatchQuery, ...BatchQuery[]] {
  const owned = and(eq(studioAssets.ownerId, ownerId), which);
  const fileIds = sql`(SELECT ${studioAssets.fileId} FROM ${studioAssets} WHERE ${owned} AND ${studioAssets.fileId} IS NOT NULL
    UNION ALL SELECT ${studioAssets.thumbnailFileId} FROM ${studioAssets} WHERE ${owned} AND ${studioAssets.thumbnailFileId} IS NOT NULL)`;
  return [
    ...deleteOwnFilesQueries(db, ownerId, fileIds, now),
    db
      .update(studioBoxes)
      .set({ headlinerAssetId: null })
      .where(inArray(studioBoxes.headlinerAssetId, db.select({ id: studioAssets.id }).from(studioAssets).where(owned))),
    dropUnstartedGenerationsQuery(db, owned),
    db.delete(studioAssets).where(owned),
  ];
}

function boxesOfProject(db: Database, projectId: string) {
  return db.select({ id: studioBoxes.id }).from(studioBoxes).where(eq(studioBoxes.projectId, projectId));
}

/** Deletes the owner's project with its boxes, assets (and their files), comments and share links, in one transaction. */
export async function deleteOwnProject(db: Database, id: string, ownerId: string, now: number): Promise<boolean> {
  const boxes = boxesOfProject(db, id);
  const mine = and(eq(studioProjects.id, id), eq(studioProjects.ownerId, ownerId));
  if (!(await findOwnProject(db, id, ownerId))) return false;
  await db.batch([
    ...deleteAssetsQueries(db, ownerId, inArray(studioAssets.boxId, boxes), now),
    db.delete(studioCommentReads).where(inArray(studioCommentReads.boxId, boxes)),
    db.delete(studioComments).where(and(eq(studioComments.ownerId, ownerId), inArray(studioComments.boxId, boxes))),
    db.delete(studioShareLinks).where(and(eq(studioShareLinks.projectId, id), eq(studioShareLinks.ownerId, ownerId))),
    db.delete(studioBoxes).where(and(eq(studioBoxes.projectId, id), eq(studioBoxes.ownerId, ownerId))),
    db.delete(studioProjects).where(mine),
  ]);
  return true;
}

// Boxes

/** Appends a box after the project's last one (orderIndex computed in the insert itself). */
export async function insertBox(db: Database, box: Omit<typeof studioBoxes.$inferInsert, "orderIndex">): Promise<BoxRow> {
  const nextIndex = sql<number>`(SELECT coalesce(max(${studioBoxes.orderIndex}) + 1, 0) FROM ${studioBoxes} WHERE ${studioBoxes.projectId} = ${box.projectId})`;
  const [row] = await db
    .insert(studioBoxes)
    .values({ ...box, orderIndex: nextIndex })
    .returning();
  return { ...row!, unreadComments: 0, assetCount: 0 };
}

export async function listBoxes(db: Database, projectId: string): Promise<BoxRow[]> {
  return db.select(boxColumns).from(studioBoxes).where(eq(studioBoxes.projectId, projectId)).orderBy(asc(studioBoxes.orderIndex), asc(studioBoxes.id));
}

export async function findOwnBox(db: Database, id: string, ownerId: string): Promise<BoxRow | undefined> {
  return db
    .select(boxColumns)
    .from(studioBoxes)
    .where(and(eq(studioBoxes.id, id), eq(studioBoxes.ownerId, ownerId)))
    .get();
}

/** Sets every box's orderIndex to its place in `boxIds`, in one transaction. */
export async function writeBoxOrder(db: Database, projectId: string, boxIds: readonly string[], now: number): Promise<void> {
  const at = new Date(now);
  const updates = boxIds.map((id, index) =>
    db
      .update(studioBoxes)
      .set({ orderIndex: index, updatedAt: at })
      .where(and(eq(studioBoxes.id, id), eq(studioBoxes.projectId, projectId))),
  );
  await runBatch(db, updates);
}

export async function updateOwnBox(
  db: Database,
  id: string,
  ownerId: string,
  changes: { name?: string; headlinerAssetId?: string | null },
  now: number,
): Promise<void> {
  await db
    .update(studioBoxes)
    .set({ ...changes, updatedAt: new Date(now) })
    .where(and(eq(studioBoxes.id, id), eq(studioBoxes.ownerId, ownerId)));
}

/** Deletes the owner's box with its assets (and their files) and comments, in one transaction. */
export async function deleteOwnBox(db: Database, id: string, ownerId: string, now: number): Promise<boolean> {
  if (!(await findOwnBox(db, id, ownerId))) return false;
  await db.batch([
    ...deleteAssetsQueries(db, ownerId, eq(studioAssets.boxId, id), now),
    db.delete(studioCommentReads).where(eq(studioCommentReads.boxId, id)),
    db.delete(studioComments).where(and(eq(studioComments.boxId, id), eq(studioComments.ownerId, ownerId))),
    db.delete(studioBoxes).where(and(eq(studioBoxes.id, id), eq(studioBoxes.ownerId, ownerId))),
  ]);
  return true;
}

// Assets

export interface AssetFilter {
  type?: AssetRecord["type"];
  status?: AssetRecord["status"];
  favorite?: boolean;
  /** An FTS5 query built by ftsQuery (shared/fts-query.ts; never the user's text as is). */
  match?: string;
}

function assetConditions(filter: AssetFilter): (SQL | undefined)[] {
  return [
    filter.type ? eq(studioAssets.type, filter.type) : undefined,
    filter.status ? eq(studioAssets.status, filter.status) : undefined,
    filter.favorite !== undefined ? eq(studioAssets.favorite, filter.favorite) : undefined,
    filter.match !== undefined
      ? sql`${studioAssets.id} IN (SELECT asset_id FROM studio_asset_search WHERE studio_asset_search MATCH ${filter.match})`
      : undefined,
  ];
}

/** One page of a box's assets, newest first (ids are time-ordered); `before` is the last id of the previous page. */
export async function pageBoxAssets(db: Database, boxId: string, filter: AssetFilter, before: string | undefined, limit: number): Promise<AssetRow[]> {
  const rows = await db
    .select(assetColumns)
    .from(studioAssets)
    .where(and(eq(studioAssets.boxId, boxId), ...assetConditions(filter), before ? lt(studioAssets.id, before) : undefined))
    .orderBy(desc(studioAssets.id))
    .limit(limit + 1);
  return rows.map(toAssetRow);
}

/**
 * One page of a project's assets, newest first. It walks the owner's assets in id order on
 * studio_assets_owner_idx (owner_id, id), keeping those whose box is in the project: no sort, and
 * the walk stops at the page's end. (A box_id IN (...) walk would need a sort of every asset of
 * the project first.)
 */
export async function pageProjectAssets(
  db: Database,
  projectId: string,
  ownerId: string,
  filter: AssetFilter,
  before: string | undefined,
  limit: number,
): Promise<AssetRow[]> {
  const rows = await db
    .select(assetColumns)
    .from(studioAssets)
    .where(
      and(
        eq(studioAssets.ownerId, ownerId),
        inArray(studioAssets.boxId, boxesOfProject(db, projectId)),
        ...assetConditions(filter),
        before ? lt(studioAssets.id, before) : undefined,
      ),
    )
    .orderBy(desc(studioAssets.id))
    .limit(limit + 1);
  return rows.map(toAssetRow);
}

export async function findOwnAsset(db: Database, id: string, ownerId: string): Promise<AssetRow | undefined> {
  const row = await db
    .select(assetColumns)
    .from(studioAssets)
    .where(and(eq(studioAssets.id, id), eq(studioAssets.ownerId, ownerId)))
    .get();
  return row ? toAssetRow(row) : undefined;
}

/** The owner's asset if it belongs to `boxId` (a headliner must be one of the box's own assets). */
export async function findAssetInBox(db: Database, id: string, boxId: string, ownerId: string): Promise<AssetRecord | undefined> {
  return db
    .select()
    .from(studioAssets)
    .where(and(eq(studioAssets.id, id), eq(studioAssets.boxId, boxId), eq(studioAssets.ownerId, ownerId)))
    .get();
}

/**
 * An uploaded asset: its own copy of the owner's file (one more blob reference) and the asset
 * row, in one transaction. Undefined when the source file was not the owner's any more (then the
 * asset row goes again in the same transaction).
 */
export async function insertUploadedAsset(
  db: Database,
  asset: NewAssetRecord & { fileId: string },
  sourceFileId: string,
  now: number,
): Promise<AssetRow | undefined> {
  const results = await db.batch([
    ...copyOwnFileQueries(db, sourceFileId, asset.ownerId, { id: asset.fileId, purpose: "asset", now }),
    db.insert(studioAssets).values(asset),
    db.delete(studioAssets).where(and(eq(studioAssets.id, asset.id), notExists(db.select({ id: files.id }).from(files).where(eq(files.id, asset.fileId))))),
    db.select(assetColumns).from(studioAssets).where(eq(studioAssets.id, asset.id)),
  ]);
  const row = results[4][0];
  return row ? toAssetRow(row) : undefined;
}

export async function setOwnAssetFavorite(db: Database, id: string, ownerId: string, favorite: boolean, now: number): Promise<void> {
  await db
    .update(studioAssets)
    .set({ favorite, updatedAt: new Date(now) })
    .where(and(eq(studioAssets.id, id), eq(studioAssets.ownerId, ownerId)));
}

/** Deletes the owner's asset and the files it owns; false when there was none. */
export async function deleteOwnAsset(db: Database, id: string, ownerId: string, now: number): Promise<boolean> {
  const existing = await findOwnAsset(db, id, ownerId);
  if (!existing) return false;
  await db.batch(deleteAssetsQueries(db, ownerId, eq(studioAssets.id, id), now));
  return true;
}

// Retention

/** Assets retention may delete: older than `createdBefore`, not favourite, no box's headliner. */
const expendable = (createdBefore: number) =>
  and(
    eq(studioAssets.favorite, false),
    lt(studioAssets.createdAt, new Date(createdBefore)),
    notExists(sql`(SELECT 1 FROM ${studioBoxes} WHERE ${studioBoxes.headlinerAssetId} = ${studioAssets.id})`),
  );

/** Up to `limit` expired assets with their owners (deletions go owner by owner). */
export async function findExpiredAssets(db: Database, createdBefore: number, limit: number): Promise<Pick<AssetRecord, "id" | "ownerId">[]> {
  return db
    .select({ id: studioAssets.id, ownerId: studioAssets.ownerId })
    .from(studioAssets)
    .where(expendable(createdBefore))
    .orderBy(asc(studioAssets.createdAt))
    .limit(limit);
}

/**
 * Deletes up to `limit` of one owner's expendable assets, oldest first, with their files, in one
 * transaction. The set is a subquery (not a list of ids: D1 binds at most 100 values per
 * statement), evaluated the same by every statement of the batch until the last one deletes the
 * rows. An asset favourited or made a headliner meanwhile is not expendable any more, so it stays.
 * Returns how many went.
 */
export async function deleteExpiredAssets(db: Database, ownerId: string, createdBefore: number, limit: number, now: number): Promise<number> {
  const oldest = db
    .select({ id: studioAssets.id })
    .from(studioAssets)
    .where(and(eq(studioAssets.ownerId, ownerId), expendable(createdBefore)))
    .orderBy(asc(studioAssets.createdAt), asc(studioAssets.id))
    .limit(limit);
  const which = inArray(studioAssets.id, oldest);
  const [counted] = await db.batch([
    db
      .select({ n: sql<number>`count(*)` })
      .from(studioAssets)
      .where(and(eq(studioAssets.ownerId, ownerId), which)),
    ...deleteAssetsQueries(db, ownerId, which, now),
  ]);
  return counted[0]?.n ?? 0;
}

/** Rebuilds the prompt search index from studio_assets (it is derived data). */
export async function rebuildAssetSearch(db: Database): Promise<void> {
  await db.batch([
    db.run(sql`DELETE FROM studio_asset_search`),
    db.run(sql`INSERT INTO studio_asset_search (rowid, asset_id, prompt) SELECT rowid, id, prompt FROM studio_assets`),
  ]);
}

// Account

export async function listOwnerStudio(db: Database, ownerId: string) {
  const [projects, boxes, assets, shareLinks, comments] = await db.batch([
    db.select(projectColumns).from(studioProjects).where(eq(studioProjects.ownerId, ownerId)).orderBy(studioProjects.id),
    db.select(boxColumns).from(studioBoxes).where(eq(studioBoxes.ownerId, ownerId)).orderBy(studioBoxes.projectId, studioBoxes.orderIndex),
    db.select(assetColumns).from(studioAssets).where(eq(studioAssets.ownerId, ownerId)).orderBy(studioAssets.id),
    db.select().from(studioShareLinks).where(eq(studioShareLinks.ownerId, ownerId)).orderBy(studioShareLinks.id),
    db.select().from(studioComments).where(eq(studioComments.ownerId, ownerId)).orderBy(studioComments.id),
  ]);
  return { projects, boxes, assets: assets.map(toAssetRow), shareLinks, comments };
}

/**
 * Everything the studio keeps of a user being deleted (their files go with media's part). Comments
 * live on the owner's boxes only (visitors have no account), so they all go with the boxes.
 * Generations already at a provider stay until their tasks are cancelled or end (at most
 * STUDIO_GENERATION_TIMEOUT_SECONDS), like those of any deleted asset.
 */
export function forgetUserStudioQueries(db: Database, userId: string) {
  return [
    db
      .delete(studioCommentReads)
      .where(
        or(
          eq(studioCommentReads.userId, userId),
          inArray(studioCommentReads.boxId, db.select({ id: studioBoxes.id }).from(studioBoxes).where(eq(studioBoxes.ownerId, userId))),
        ),
      ),
    db.delete(studioComments).where(eq(studioComments.ownerId, userId)),
    db.delete(studioShareLinks).where(eq(studioShareLinks.ownerId, userId)),
    dropUnstartedGenerationsQuery(db, eq(studioAssets.ownerId, userId)),
    db.delete(studioAssets).where(eq(studioAssets.ownerId, userId)),
    db.delete(studioBoxes).where(eq(studioBoxes.ownerId, userId)),
    db.delete(studioProjects).where(eq(studioProjects.ownerId, userId)),
  ];
}
