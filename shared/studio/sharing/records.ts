import { and, asc, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type studioAssets, studioBoxes, studioCommentReads, studioComments, studioProjects, studioShareLinks } from "../../db/schema/studio";

/** Every query of the studio's share links, comments and read marks. */

export type ShareLinkRecord = typeof studioShareLinks.$inferSelect;
export type CommentRecord = typeof studioComments.$inferSelect;
export type SharedAssetRecord = Pick<
  typeof studioAssets.$inferSelect,
  "id" | "boxId" | "type" | "prompt" | "modelId" | "fileId" | "thumbnailFileId" | "createdAt"
> & { modelName: string | null };

export async function insertShareLink(db: Database, link: typeof studioShareLinks.$inferInsert): Promise<void> {
  await db.insert(studioShareLinks).values(link);
}

/** The link with this token hash, with its project (expiry is the caller's check); none while an operator hides the project. */
export async function findShareLink(db: Database, tokenHash: string) {
  return db
    .select({ link: studioShareLinks, project: studioProjects })
    .from(studioShareLinks)
    .innerJoin(studioProjects, eq(studioProjects.id, studioShareLinks.projectId))
    .where(and(eq(studioShareLinks.tokenHash, tokenHash), isNull(studioProjects.hiddenAt)))
    .get();
}

/** Revokes the owner's link, named by its token's hash or by its id, at once (its row goes); false when there was none. */
export async function deleteOwnShareLink(db: Database, link: { tokenHash: string } | { id: string }, ownerId: string): Promise<boolean> {
  const named = "id" in link ? eq(studioShareLinks.id, link.id) : eq(studioShareLinks.tokenHash, link.tokenHash);
  const rows = await db
    .delete(studioShareLinks)
    .where(and(named, eq(studioShareLinks.ownerId, ownerId)))
    .returning({ id: studioShareLinks.id });
  return rows.length === 1;
}

/** The project's links, newest first (their tokens are not stored, so not listed). */
export async function listProjectShareLinks(db: Database, projectId: string): Promise<ShareLinkRecord[]> {
  return db.select().from(studioShareLinks).where(eq(studioShareLinks.projectId, projectId)).orderBy(desc(studioShareLinks.id));
}

/** At most this many of each box's newest completed assets are shown through a link. */
export const SHARED_ASSETS_PER_BOX = 100;

/** The boxes of a project in order and their newest completed assets, for a share link's reader; hidden boxes and assets left out. */
export async function sharedProjectContent(db: Database, projectId: string) {
  const [boxes, assets] = await Promise.all([
    db
      .select()
      .from(studioBoxes)
      .where(and(eq(studioBoxes.projectId, projectId), isNull(studioBoxes.hiddenAt)))
      .orderBy(asc(studioBoxes.orderIndex), asc(studioBoxes.id)),
    db.all<{
      id: string;
      boxId: string;
      type: "image" | "video";
      prompt: string;
      modelId: string | null;
      modelName: string | null;
      fileId: string | null;
      thumbnailFileId: string | null;
      createdAt: number;
    }>(sql`
      SELECT id, box_id AS boxId, type, prompt, model_id AS modelId,
        (SELECT m.name FROM studio_models m WHERE m.id = model_id) AS modelName,
        file_id AS fileId, thumbnail_file_id AS thumbnailFileId, created_at AS createdAt FROM (
        SELECT a.*, row_number() OVER (PARTITION BY a.box_id ORDER BY a.id DESC) AS place
        FROM studio_assets a JOIN studio_boxes b ON b.id = a.box_id
        WHERE b.project_id = ${projectId} AND a.status = 'completed' AND a.file_id IS NOT NULL AND a.hidden_at IS NULL AND b.hidden_at IS NULL)
      WHERE place <= ${SHARED_ASSETS_PER_BOX} ORDER BY boxId, id DESC`),
  ]);
  return { boxes, assets: assets.map((asset): SharedAssetRecord => ({ ...asset, createdAt: new Date(asset.createdAt) })) };
}

/** At most this many of each box's newest comments are shown on a share link's page. */
export const SHARED_COMMENTS_PER_BOX = 50;

/** Each box's newest visible comments (oldest of them first), for a share link's page; read on studio_comments_box_idx per box. */
export async function sharedProjectComments(db: Database, projectId: string): Promise<CommentRecord[]> {
  const rows = await db.all<{
    id: string;
    boxId: string;
    ownerId: string;
    shareLinkId: string | null;
    authorUserId: string | null;
    authorName: string;
    text: string;
    createdAt: number;
  }>(sql`
    SELECT id, box_id AS boxId, owner_id AS ownerId, share_link_id AS shareLinkId, author_user_id AS authorUserId, author_name AS authorName, text, created_at AS createdAt FROM (
      SELECT c.*, row_number() OVER (PARTITION BY c.box_id ORDER BY c.id DESC) AS place
      FROM studio_comments c JOIN studio_boxes b ON b.id = c.box_id
      WHERE b.project_id = ${projectId} AND c.hidden_at IS NULL AND b.hidden_at IS NULL)
    WHERE place <= ${SHARED_COMMENTS_PER_BOX} ORDER BY boxId, id`);
  return rows.map((row) => ({ ...row, hiddenAt: null, hiddenReason: null, createdAt: new Date(row.createdAt) }));
}

export async function findBoxOfProject(db: Database, boxId: string, projectId: string) {
  return db
    .select()
    .from(studioBoxes)
    .where(and(eq(studioBoxes.id, boxId), eq(studioBoxes.projectId, projectId), isNull(studioBoxes.hiddenAt)))
    .get();
}

export async function insertComment(db: Database, comment: typeof studioComments.$inferInsert): Promise<CommentRecord> {
  const [row] = await db.insert(studioComments).values(comment).returning();
  return row!;
}

/** A box's comments, newest first; `before` is the last id of the previous page. */
export async function pageBoxComments(db: Database, boxId: string, before: string | undefined, limit: number): Promise<CommentRecord[]> {
  return db
    .select()
    .from(studioComments)
    .where(and(eq(studioComments.boxId, boxId), before ? lt(studioComments.id, before) : undefined))
    .orderBy(desc(studioComments.id))
    .limit(limit + 1);
}

/** Every comment of the box so far counts as read by `userId` (the read mark only moves forward). */
export async function markBoxCommentsRead(db: Database, boxId: string, userId: string, now: number): Promise<void> {
  const newest = db
    .select({ id: sql<string>`max(${studioComments.id})` })
    .from(studioComments)
    .where(eq(studioComments.boxId, boxId));
  const latest = await newest.get();
  if (!latest?.id) return;
  await db
    .insert(studioCommentReads)
    .values({ boxId, userId, lastReadCommentId: latest.id, updatedAt: new Date(now) })
    .onConflictDoUpdate({
      target: [studioCommentReads.boxId, studioCommentReads.userId],
      set: { lastReadCommentId: sql`max(${studioCommentReads.lastReadCommentId}, excluded.last_read_comment_id)`, updatedAt: new Date(now) },
    });
}

/** Deletes the owner's comment; false when there was none. */
export async function deleteOwnComment(db: Database, id: string, ownerId: string): Promise<boolean> {
  const rows = await db
    .delete(studioComments)
    .where(and(eq(studioComments.id, id), eq(studioComments.ownerId, ownerId)))
    .returning({ id: studioComments.id });
  return rows.length === 1;
}
