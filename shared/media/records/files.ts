import { and, desc, eq, getTableColumns, inArray, lt, sql, type SQLWrapper } from "drizzle-orm";
import type { BatchQuery, Database } from "../../db/client";
import { chatMembers } from "../../db/schema/chat";
import { clearAvatarUrlsQuery } from "../../identity/account/records";
import { avatars, blobs, fileAttachments, files, images } from "../../db/schema/media";

/** Files and the blobs they point at: reading, listing, deleting, and copies another module owns. */

export type BlobRecord = typeof blobs.$inferSelect;
export type FileRecord = typeof files.$inferSelect;

export type StoredFile = FileRecord & { key: string };

const storedFileColumns = { ...getTableColumns(files), key: blobs.key };

export async function findFile(db: Database, id: string): Promise<StoredFile | undefined> {
  return db.select(storedFileColumns).from(files).innerJoin(blobs, eq(blobs.id, files.blobId)).where(eq(files.id, id)).get();
}

/**
 * The file if `userId` may read it: the owner, anyone for a public file, members of a chat where
 * it is attached. `userId` null is an anonymous reader (public files only).
 */
export async function findReadableFile(db: Database, id: string, userId: string | null): Promise<StoredFile | undefined> {
  const readable =
    userId === null
      ? sql`${files.visibility} = 'public'`
      : sql`(${files.ownerId} = ${userId} OR ${files.visibility} = 'public' OR EXISTS (
          SELECT 1 FROM ${fileAttachments} JOIN ${chatMembers} ON ${chatMembers.chatId} = ${fileAttachments.chatId}
          WHERE ${fileAttachments.fileId} = ${files.id} AND ${chatMembers.userId} = ${userId}))`;
  return db
    .select(storedFileColumns)
    .from(files)
    .innerJoin(blobs, eq(blobs.id, files.blobId))
    .where(and(eq(files.id, id), readable))
    .get();
}

/** One page of the owner's files, newest first (ids are time-ordered); `before` is the last id of the previous page. */
export async function listOwnFiles(db: Database, ownerId: string, purpose: FileRecord["purpose"] | undefined, before: string | undefined, limit: number) {
  return db
    .select()
    .from(files)
    .where(and(eq(files.ownerId, ownerId), purpose ? eq(files.purpose, purpose) : undefined, before ? lt(files.id, before) : undefined))
    .orderBy(desc(files.id))
    .limit(limit + 1);
}

/**
 * Deletes the owner's file and drops its blob reference in one transaction, with the gallery
 * entry, attachments and avatar that pointed at it, after `releases` (other modules' statements
 * that let go of the file: `deps.fileReferences`). A blob whose count reaches 0 is stamped
 * released, so the GC cron removes it after the grace period. False when there was no such file.
 */
export async function deleteOwnFile(db: Database, id: string, ownerId: string, now: number, releases: (fileIds: SQLWrapper) => BatchQuery[]): Promise<boolean> {
  const mine = and(eq(files.id, id), eq(files.ownerId, ownerId));
  const fileIds = db.select({ id: files.id }).from(files).where(mine);
  const statements: [BatchQuery, ...BatchQuery[]] = [
    db
      .update(blobs)
      .set({ refCount: sql`${blobs.refCount} - 1`, releasedAt: sql`CASE WHEN ${blobs.refCount} - 1 <= 0 THEN ${now} ELSE ${blobs.releasedAt} END` })
      .where(eq(blobs.id, db.select({ blobId: files.blobId }).from(files).where(mine))),
    ...releases(fileIds),
    db.delete(images).where(and(eq(images.fileId, id), eq(images.ownerId, ownerId))),
    db.delete(fileAttachments).where(inArray(fileAttachments.fileId, fileIds)),
    clearAvatarUrlsQuery(
      db,
      db
        .select({ userId: avatars.userId })
        .from(avatars)
        .where(and(eq(avatars.userId, ownerId), eq(avatars.fileId, id))),
    ),
    db.delete(avatars).where(and(eq(avatars.fileId, id), eq(avatars.userId, ownerId))),
    db.delete(files).where(mine).returning({ id: files.id }),
  ];
  const results = await db.batch(statements);
  return (results.at(-1) as unknown[]).length === 1;
}

export async function listAllOwnFiles(db: Database, ownerId: string): Promise<FileRecord[]> {
  return db.select().from(files).where(eq(files.ownerId, ownerId)).orderBy(files.id);
}

/** What the client that recorded an audio file says about it (for display: the length, the loudness). */
export async function setAudioDetails(db: Database, id: string, details: { durationMs: number | null; waveform: string | null }): Promise<void> {
  await db.update(files).set(details).where(eq(files.id, id));
}

export async function setFileVisibility(db: Database, id: string, visibility: FileRecord["visibility"]): Promise<void> {
  await db.update(files).set({ visibility }).where(eq(files.id, id));
}

/** Blobs nobody has referenced since before `releasedBefore`: their rows go, their keys come back for R2. */
export async function takeUnreferencedBlobs(db: Database, releasedBefore: number, limit: number): Promise<Pick<BlobRecord, "key" | "sha256">[]> {
  return db.all<Pick<BlobRecord, "key" | "sha256">>(sql`
    DELETE FROM blobs WHERE id IN (
      SELECT id FROM blobs WHERE ref_count <= 0 AND released_at IS NOT NULL AND released_at < ${releasedBefore} LIMIT ${limit})
    RETURNING key, sha256`);
}

export async function findOwnFileRecord(db: Database, id: string, ownerId: string): Promise<FileRecord | undefined> {
  return db
    .select()
    .from(files)
    .where(and(eq(files.id, id), eq(files.ownerId, ownerId)))
    .get();
}

/**
 * Statements for a batch that gives `ownerId` a second file of the same bytes as their file
 * `sourceId` (one more blob reference), so another module can own and later delete it on its own.
 * Nothing is inserted when the source is not the owner's.
 */
export function copyOwnFileQueries(db: Database, sourceId: string, ownerId: string, copy: { id: string; purpose: FileRecord["purpose"]; now: number }) {
  const source = and(eq(files.id, sourceId), eq(files.ownerId, ownerId));
  const value = <T>(v: T, name: string) => sql<T>`${v}`.as(name);
  return [
    db
      .update(blobs)
      .set({ refCount: sql`${blobs.refCount} + 1`, releasedAt: null })
      .where(eq(blobs.id, db.select({ blobId: files.blobId }).from(files).where(source))),
    db.insert(files).select(
      db
        .select({
          id: value(copy.id, "id"),
          ownerId: files.ownerId,
          blobId: files.blobId,
          name: files.name,
          contentType: files.contentType,
          size: files.size,
          sha256: files.sha256,
          purpose: value(copy.purpose, "purpose"),
          visibility: value("private" as const, "visibility"),
          width: files.width,
          height: files.height,
          durationMs: files.durationMs,
          waveform: files.waveform,
          createdAt: value(copy.now, "created_at"),
        })
        .from(files)
        .where(source),
    ),
  ] as const;
}

/**
 * Statements for a batch that deletes the owner's files whose ids `fileIds` selects (a subquery
 * another module builds over its own rows) and drops their blob references, as deleteOwnFile does
 * for one. They must run before the rows `fileIds` reads from are deleted in the same batch.
 */
export function deleteOwnFilesQueries(db: Database, ownerId: string, fileIds: SQLWrapper, now: number) {
  const doomed = and(eq(files.ownerId, ownerId), inArray(files.id, fileIds));
  const references = sql`(SELECT count(*) FROM ${files} WHERE ${files.blobId} = ${blobs.id} AND ${doomed})`;
  const doomedIds = db.select({ id: files.id }).from(files).where(doomed);
  return [
    db
      .update(blobs)
      .set({
        refCount: sql`${blobs.refCount} - ${references}`,
        releasedAt: sql`CASE WHEN ${blobs.refCount} - ${references} <= 0 THEN ${now} ELSE ${blobs.releasedAt} END`,
      })
      .where(inArray(blobs.id, db.select({ blobId: files.blobId }).from(files).where(doomed))),
    db.delete(fileAttachments).where(inArray(fileAttachments.fileId, doomedIds)),
    db.delete(files).where(doomed),
  ] as const;
}
