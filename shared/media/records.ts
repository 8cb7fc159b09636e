import { and, desc, eq, exists, getTableColumns, inArray, lt, sql, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../db/client";
import { chatMembers } from "../db/schema/chat";
import { users } from "../db/schema/identity";
import { companies } from "../db/schema/jobs";
import { videos } from "../db/schema/video";
import { avatars, blobs, fileAttachments, files, imageLikes, images, imageTags, uploads } from "../db/schema/media";

/** Every query of the media tables. */

export type BlobRecord = typeof blobs.$inferSelect;
export type FileRecord = typeof files.$inferSelect;
export type UploadRecord = typeof uploads.$inferSelect;
export type StoredFile = FileRecord & { key: string };

const storedFileColumns = { ...getTableColumns(files), key: blobs.key };

export interface NewUploadSlot {
  id: string;
  ownerId: string;
  kind: UploadRecord["kind"];
  purpose: UploadRecord["purpose"];
  name: string;
  visibility: UploadRecord["visibility"];
  length: number;
  key: string;
  partSize: number;
  multipartId: string | null;
  createdAt: number;
  expiresAt: number;
}

/**
 * Takes the quota slot of an upload, in ONE statement: the owner's files plus their open uploads
 * plus this one must fit the quota. D1 runs statements one at a time, so parallel uploads cannot
 * all see room that only one of them has. False when the quota would be exceeded.
 */
export async function openUploadSlot(db: Database, slot: NewUploadSlot, quotaBytes: number): Promise<boolean> {
  const rows = await db.all<{ id: string }>(sql`
    INSERT INTO uploads (id, owner_id, kind, status, purpose, name, visibility, length, "offset", key, part_size, multipart_id, parts, tail_bytes, created_at, expires_at)
    SELECT ${slot.id}, ${slot.ownerId}, ${slot.kind}, 'receiving', ${slot.purpose}, ${slot.name}, ${slot.visibility}, ${slot.length}, 0, ${slot.key},
           ${slot.partSize}, ${slot.multipartId}, '[]', 0, ${slot.createdAt}, ${slot.expiresAt}
    WHERE (SELECT coalesce(sum(size), 0) FROM files WHERE owner_id = ${slot.ownerId})
        + (SELECT coalesce(sum(length), 0) FROM uploads WHERE owner_id = ${slot.ownerId} AND status = 'receiving')
        + ${slot.length} <= ${quotaBytes}
    RETURNING id`);
  return rows.length === 1;
}

export async function deleteUpload(db: Database, id: string): Promise<void> {
  await db.delete(uploads).where(eq(uploads.id, id));
}

export interface CompletedBytes {
  uploadId: string;
  /** Blob id to use when these bytes are new (the upload's own object becomes the blob). */
  blobId: string;
  key: string;
  sha256: string;
  size: number;
  contentType: string;
  createdAt: number;
}

export interface NewFile {
  id: string;
  ownerId: string;
  name: string;
  purpose: FileRecord["purpose"];
  visibility: FileRecord["visibility"];
  width: number | null;
  height: number | null;
}

/**
 * Turns a receiving upload into a file, atomically: the blob row is inserted, or (same bytes
 * stored before) its reference count goes up; the file row points at it; the upload slot closes
 * (or, `keepSlot`, is kept completed until `slotExpiresAt` when given).
 * Every statement is guarded by the upload still receiving, so an upload the expiry cron already
 * gave up on creates nothing. Returns the blob the file points at, or null when the slot was gone.
 */
export async function completeUpload(db: Database, bytes: CompletedBytes, file: NewFile, keepSlot: boolean, slotExpiresAt?: number): Promise<BlobRecord | null> {
  const receiving = exists(
    db
      .select({ one: sql`1` })
      .from(uploads)
      .where(and(eq(uploads.id, bytes.uploadId), eq(uploads.status, "receiving"))),
  );
  const value = <T>(v: T, name: string) => sql<T>`${v}`.as(name);
  const [, , closed, blob] = await db.batch([
    db
      .insert(blobs)
      .select(
        db
          .select({
            id: value(bytes.blobId, "id"),
            sha256: value(bytes.sha256, "sha256"),
            size: value(bytes.size, "size"),
            contentType: value(bytes.contentType, "content_type"),
            key: value(bytes.key, "key"),
            refCount: value(1, "ref_count"),
            createdAt: value(bytes.createdAt, "created_at"),
            releasedAt: sql<null>`NULL`.as("released_at"),
          })
          .from(uploads)
          .where(and(eq(uploads.id, bytes.uploadId), eq(uploads.status, "receiving"))),
      )
      .onConflictDoUpdate({ target: blobs.sha256, set: { refCount: sql`${blobs.refCount} + 1`, releasedAt: null } }),
    db.insert(files).select(
      db
        .select({
          id: value(file.id, "id"),
          ownerId: value(file.ownerId, "owner_id"),
          blobId: blobs.id,
          name: value(file.name, "name"),
          contentType: value(bytes.contentType, "content_type"),
          size: value(bytes.size, "size"),
          sha256: value(bytes.sha256, "sha256"),
          purpose: value(file.purpose, "purpose"),
          visibility: value(file.visibility, "visibility"),
          width: value(file.width, "width"),
          height: value(file.height, "height"),
          createdAt: value(bytes.createdAt, "created_at"),
        })
        .from(blobs)
        .where(and(eq(blobs.sha256, bytes.sha256), receiving)),
    ),
    keepSlot
      ? db
          .update(uploads)
          .set({
            status: "completed",
            fileId: file.id,
            offset: bytes.size,
            leaseId: null,
            leaseExpiresAt: null,
            ...(slotExpiresAt === undefined ? {} : { expiresAt: new Date(slotExpiresAt) }),
          })
          .where(and(eq(uploads.id, bytes.uploadId), eq(uploads.status, "receiving")))
          .returning({ id: uploads.id })
      : db
          .delete(uploads)
          .where(and(eq(uploads.id, bytes.uploadId), eq(uploads.status, "receiving")))
          .returning({ id: uploads.id }),
    db.select().from(blobs).where(eq(blobs.sha256, bytes.sha256)),
  ]);
  return closed.length === 1 ? (blob[0] ?? null) : null;
}

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

/** Purposes of the files a company icon may be (shared/jobs-board/companies/companies.ts checks it when the icon is set). */
const ICON_PURPOSES = ["company-icon", "image"] as const;

/**
 * Companies whose icon is the owner's file `id` lose it, as the owner's avatar does. The file is
 * the outer loop (CROSS JOIN keeps SQLite from reordering it), so deleting a file that cannot be
 * an icon reads no company; deleting an image file reads the companies once (`icon_file_id` has
 * no index of its own).
 */
function clearCompanyIconQuery(db: Database, id: string, ownerId: string) {
  const purposes = sql.join(
    ICON_PURPOSES.map((p) => sql`${p}`),
    sql`, `,
  );
  return db
    .update(companies)
    .set({ iconFileId: null, iconUrl: null })
    .where(
      sql`${companies.id} in (select c.id from ${files} f cross join ${companies} c where f.id = ${id} and f.owner_id = ${ownerId} and f.purpose in (${purposes}) and c.icon_file_id = f.id)`,
    );
}

/**
 * Deletes the owner's file and drops its blob reference in one transaction (with the gallery
 * entry, attachments, avatar and company icons that pointed at it). A blob whose count reaches 0
 * is stamped released, so the GC cron removes it after the grace period. False when there was no
 * such file.
 */
export async function deleteOwnFile(db: Database, id: string, ownerId: string, now: number): Promise<boolean> {
  const mine = and(eq(files.id, id), eq(files.ownerId, ownerId));
  const [, , , , , , deleted] = await db.batch([
    clearCompanyIconQuery(db, id, ownerId),
    db
      .update(blobs)
      .set({ refCount: sql`${blobs.refCount} - 1`, releasedAt: sql`CASE WHEN ${blobs.refCount} - 1 <= 0 THEN ${now} ELSE ${blobs.releasedAt} END` })
      .where(eq(blobs.id, db.select({ blobId: files.blobId }).from(files).where(mine))),
    db.delete(images).where(and(eq(images.fileId, id), eq(images.ownerId, ownerId))),
    db.delete(fileAttachments).where(sql`${fileAttachments.fileId} = ${id} AND EXISTS (SELECT 1 FROM files WHERE id = ${id} AND owner_id = ${ownerId})`),
    db
      .update(users)
      .set({ avatarUrl: null })
      .where(and(eq(users.id, ownerId), exists(db.select({ one: sql`1` }).from(avatars).where(and(eq(avatars.userId, ownerId), eq(avatars.fileId, id)))))),
    db.delete(avatars).where(and(eq(avatars.fileId, id), eq(avatars.userId, ownerId))),
    db.delete(files).where(mine).returning({ id: files.id }),
  ]);
  return deleted.length === 1;
}

/** Ids of every file of the owner (account deletion goes through deleteOwnFile for each). */
export async function listAllOwnFileIds(db: Database, ownerId: string): Promise<string[]> {
  const rows = await db.select({ id: files.id }).from(files).where(eq(files.ownerId, ownerId));
  return rows.map((row) => row.id);
}

export async function listAllOwnFiles(db: Database, ownerId: string): Promise<FileRecord[]> {
  return db.select().from(files).where(eq(files.ownerId, ownerId)).orderBy(files.id);
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

/**
 * Receiving uploads past their expiry become failed (reason `expired`) in one statement, so a
 * request still finishing one cannot complete it afterwards; their R2 leftovers come back.
 */
export type ExpiredUpload = Pick<UploadRecord, "id" | "ownerId" | "kind" | "key" | "multipartId" | "tailKey">;

export async function expireUploads(db: Database, now: number, limit: number): Promise<ExpiredUpload[]> {
  // A tus upload whose bytes are all in is never expired: it is finished, or failed with its own
  // reason. Unless its owner was deleted (their uploads were set to expire at once): nobody gets that file.
  return db.all<ExpiredUpload>(sql`
    UPDATE uploads SET status = 'failed', failure = 'expired', lease_id = NULL, lease_expires_at = NULL
    WHERE id IN (SELECT u.id FROM uploads u WHERE u.status = 'receiving' AND u.expires_at < ${now}
      AND NOT (u.kind = 'tus' AND u."offset" = u.length AND EXISTS (SELECT 1 FROM users WHERE users.id = u.owner_id)) LIMIT ${limit})
    RETURNING id, owner_id AS ownerId, kind, key, multipart_id AS multipartId, tail_key AS tailKey`);
}

/** The condition of a tus upload whose bytes are all recorded but whose file is not made yet. */
const allReceived = and(eq(uploads.kind, "tus"), eq(uploads.status, "receiving"), sql`${uploads.offset} = ${uploads.length}`);

/**
 * Takes a fully received upload for its finishing step: it must still be receiving with every byte
 * recorded and held by nobody (or by a request whose lease ran out). Undefined otherwise.
 */
export async function takeFinishingLease(db: Database, id: string, leaseId: string, now: number, leaseMs: number): Promise<UploadRecord | undefined> {
  return db
    .update(uploads)
    .set({ leaseId, leaseExpiresAt: new Date(now + leaseMs) })
    .where(and(eq(uploads.id, id), allReceived, sql`(${uploads.leaseId} IS NULL OR ${uploads.leaseExpiresAt} < ${now})`))
    .returning()
    .get();
}

/**
 * Fully received uploads nobody is finishing (their finishing step failed or its request died), of
 * owners who still exist, oldest expiry first.
 */
export async function findUnfinishedUploads(db: Database, now: number, limit: number): Promise<UploadRecord[]> {
  return db
    .select()
    .from(uploads)
    .where(
      and(
        allReceived,
        sql`(${uploads.leaseId} IS NULL OR ${uploads.leaseExpiresAt} < ${now})`,
        exists(db.select({ one: sql`1` }).from(users).where(eq(users.id, uploads.ownerId))),
      ),
    )
    .orderBy(uploads.expiresAt)
    .limit(limit);
}

/**
 * Fails an upload the caller holds, with the reason; the row is kept until `keepUntil` so the reason
 * can be read. False when the lease was lost or the upload is no longer receiving (nothing changed).
 */
export async function failHeldUpload(db: Database, id: string, leaseId: string, failure: string, keepUntil?: number): Promise<boolean> {
  const rows = await db
    .update(uploads)
    .set({ status: "failed", failure, leaseId: null, leaseExpiresAt: null, ...(keepUntil === undefined ? {} : { expiresAt: new Date(keepUntil) }) })
    .where(and(eq(uploads.id, id), eq(uploads.leaseId, leaseId), eq(uploads.status, "receiving")))
    .returning({ id: uploads.id });
  return rows.length === 1;
}

export async function findUpload(db: Database, id: string): Promise<UploadRecord | undefined> {
  return db.select().from(uploads).where(eq(uploads.id, id)).get();
}

/** Finished and failed uploads past their expiry: nothing refers to their rows any more. */
export async function deleteSettledUploads(db: Database, now: number): Promise<void> {
  await db.delete(uploads).where(and(inArray(uploads.status, ["completed", "failed"]), lt(uploads.expiresAt, new Date(now))));
}

export async function findOwnUpload(db: Database, id: string, ownerId: string): Promise<UploadRecord | undefined> {
  return db
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, id), eq(uploads.ownerId, ownerId)))
    .get();
}

/** Records the R2 multipart upload of a tus upload; returns the row as it is then. */
export async function attachMultipart(db: Database, id: string, multipartId: string): Promise<UploadRecord | undefined> {
  return db.update(uploads).set({ multipartId }).where(eq(uploads.id, id)).returning().get();
}

/**
 * Takes the upload for one PATCH of `length` bytes: it must be receiving, at `offset`, have room
 * for them, and not be held by another PATCH whose lease is still running. Undefined when any of
 * that fails.
 *
 * The lease also hands out the R2 part numbers the PATCH may write (`leaseFirstPart` to
 * `leaseLastPart`, as many as the parts still missing). A lease taken over from one that ran out
 * fences off the numbers of the one before (its request may still be alive and writing them), so
 * two requests never write one part; after a lease that was given back (its request ended and
 * waited for its writes) the numbers go on from the last recorded part.
 */
export async function takeUploadLease(db: Database, id: string, ownerId: string, offset: number, length: number, leaseId: string, now: number, leaseMs: number) {
  const fence = sql`CASE WHEN ${uploads.leaseId} IS NULL THEN ${uploads.partFence} ELSE max(${uploads.partFence}, coalesce(${uploads.leaseLastPart}, 0)) END`;
  const recorded = sql`json_array_length(${uploads.parts})`;
  const lastRecorded = sql`CASE WHEN ${recorded} = 0 THEN 0 ELSE json_extract(${uploads.parts}, '$[' || (${recorded} - 1) || '].partNumber') END`;
  const firstPart = sql`max(${lastRecorded}, ${fence}) + 1`;
  const partsMissing = sql`(${uploads.length} + ${uploads.partSize} - 1) / ${uploads.partSize} - ${recorded}`;
  return db
    .update(uploads)
    .set({
      leaseId,
      leaseExpiresAt: new Date(now + leaseMs),
      partFence: sql`${fence}`,
      leaseFirstPart: sql`${firstPart}`,
      leaseLastPart: sql`${firstPart} + ${partsMissing} - 1`,
    })
    .where(
      and(
        eq(uploads.id, id),
        eq(uploads.ownerId, ownerId),
        eq(uploads.status, "receiving"),
        eq(uploads.offset, offset),
        sql`${uploads.offset} + ${length} <= ${uploads.length}`,
        sql`${uploads.expiresAt} > ${now}`,
        sql`(${uploads.leaseId} IS NULL OR ${uploads.leaseExpiresAt} < ${now})`,
      ),
    )
    .returning()
    .get();
}

export interface UploadProgressRecord {
  /** The PATCH's last step: the lease goes with it. */
  release: boolean;
  offset: number;
  parts: string;
  hashState: string;
  tailKey: string | null;
  tailBytes: number;
  expiresAt: number;
  leaseExpiresAt: number;
}

/** Records a durable step of a PATCH; false when the lease was lost (expired upload, another PATCH). */
export async function saveUploadProgress(db: Database, id: string, leaseId: string, progress: UploadProgressRecord): Promise<boolean> {
  const rows = await db
    .update(uploads)
    .set({
      offset: progress.offset,
      parts: progress.parts,
      hashState: progress.hashState,
      tailKey: progress.tailKey,
      tailBytes: progress.tailBytes,
      expiresAt: new Date(progress.expiresAt),
      ...(progress.release ? { leaseId: null, leaseExpiresAt: null } : { leaseExpiresAt: new Date(progress.leaseExpiresAt) }),
    })
    .where(and(eq(uploads.id, id), eq(uploads.leaseId, leaseId), eq(uploads.status, "receiving")))
    .returning({ id: uploads.id });
  return rows.length === 1;
}

/** Gives the lease back; false when it was no longer the caller's (taken over, terminated, expired). */
export async function releaseUploadLease(db: Database, id: string, leaseId: string): Promise<boolean> {
  const rows = await db
    .update(uploads)
    .set({ leaseId: null, leaseExpiresAt: null })
    .where(and(eq(uploads.id, id), eq(uploads.leaseId, leaseId)))
    .returning({ id: uploads.id });
  return rows.length === 1;
}

/** Ends an upload at the owner's request: returns the row as it was (for its R2 leftovers) or undefined. */
export async function terminateOwnUpload(db: Database, id: string, ownerId: string): Promise<UploadRecord | undefined> {
  const [before] = await db.batch([
    db
      .select()
      .from(uploads)
      .where(and(eq(uploads.id, id), eq(uploads.ownerId, ownerId))),
    db.delete(uploads).where(and(eq(uploads.id, id), eq(uploads.ownerId, ownerId))),
  ]);
  return before[0];
}

export type ImageRecord = typeof images.$inferSelect;

/** An image with what its view needs: the file, the owner's name, and whether the viewer likes it. */
export type GalleryRow = { image: ImageRecord; file: FileRecord; ownerName: string; likedByViewer: boolean };

function galleryQuery(db: Database, viewerId: string | null) {
  return db
    .select({
      image: images,
      file: files,
      ownerName: users.displayName,
      likedByViewer: viewerId
        ? sql<number>`EXISTS (SELECT 1 FROM ${imageLikes} WHERE ${imageLikes.imageId} = ${images.id} AND ${imageLikes.userId} = ${viewerId})`
        : sql<number>`0`,
    })
    .from(images)
    .innerJoin(files, eq(files.id, images.fileId))
    .innerJoin(users, eq(users.id, images.ownerId));
}

const toGalleryRow = (row: { image: ImageRecord; file: FileRecord; ownerName: string; likedByViewer: number }): GalleryRow => ({
  ...row,
  likedByViewer: Boolean(row.likedByViewer),
});

export async function findOwnFileRecord(db: Database, id: string, ownerId: string): Promise<FileRecord | undefined> {
  return db
    .select()
    .from(files)
    .where(and(eq(files.id, id), eq(files.ownerId, ownerId)))
    .get();
}

export async function imageOfFile(db: Database, fileId: string): Promise<ImageRecord | undefined> {
  return db.select().from(images).where(eq(images.fileId, fileId)).get();
}

/** Publishes an image: the row, its tags, and the file made public, in one transaction. */
export async function insertImage(db: Database, image: typeof images.$inferInsert, tags: string[]): Promise<void> {
  const tagRows = tags.map((tag) => ({ tag, imageId: image.id }));
  await db.batch([
    db.insert(images).values(image),
    ...(tagRows.length > 0 ? [db.insert(imageTags).values(tagRows)] : []),
    db.update(files).set({ visibility: "public" }).where(eq(files.id, image.fileId)),
  ]);
}

export async function findGalleryImage(db: Database, id: string, viewerId: string | null): Promise<GalleryRow | undefined> {
  const row = await galleryQuery(db, viewerId).where(eq(images.id, id)).get();
  return row ? toGalleryRow(row) : undefined;
}

/** Newest first; by tag or by owner; `before` is the last id of the previous page. */
export async function pageGallery(db: Database, filter: { tag?: string; ownerId?: string }, before: string | undefined, limit: number, viewerId: string | null) {
  const rows = await galleryQuery(db, viewerId)
    .where(
      and(
        filter.ownerId ? eq(images.ownerId, filter.ownerId) : undefined,
        filter.tag ? exists(db.select({ one: sql`1` }).from(imageTags).where(and(eq(imageTags.tag, filter.tag), eq(imageTags.imageId, images.id)))) : undefined,
        before ? lt(images.id, before) : undefined,
      ),
    )
    .orderBy(desc(images.id))
    .limit(limit + 1);
  return rows.map(toGalleryRow);
}

/**
 * Whether something public besides its gallery image (a file is in the gallery at most once) uses
 * the file, so it must stay readable by anyone: an avatar, a company icon, a video thumbnail.
 */
function usedPubliclyOutsideGallery(fileId: SQLWrapper) {
  return sql`(EXISTS (SELECT 1 FROM ${avatars} WHERE ${avatars.fileId} = ${fileId})
    OR EXISTS (SELECT 1 FROM ${companies} WHERE ${companies.iconFileId} = ${fileId})
    OR EXISTS (SELECT 1 FROM ${videos} WHERE ${videos.thumbnailFileId} = ${fileId}))`;
}

/**
 * Removes an image from the gallery. Its file is private again, unless its owner made it public
 * before publishing it or something else public uses it (an avatar, a company icon, a video
 * thumbnail): a file stays readable as long as anything public refers to it. False when there was
 * no such image.
 */
export async function deleteImage(db: Database, id: string): Promise<boolean> {
  const [, deleted] = await db.batch([
    db
      .update(files)
      .set({ visibility: "private" })
      .where(
        and(
          eq(files.id, db.select({ fileId: images.fileId }).from(images).where(and(eq(images.id, id), eq(images.fileWasPublic, false)))),
          sql`NOT ${usedPubliclyOutsideGallery(files.id)}`,
        ),
      ),
    db.delete(images).where(eq(images.id, id)).returning({ id: images.id }),
  ]);
  return deleted.length === 1;
}

/**
 * Like or unlike, then the count from the likes themselves, in one transaction: concurrent
 * likes cannot lose or double an update, and repeating one changes nothing.
 */
export async function setLike(db: Database, imageId: string, userId: string, liked: boolean, now: number): Promise<void> {
  const recount = db
    .update(images)
    .set({ likeCount: sql`(SELECT count(*) FROM ${imageLikes} WHERE ${imageLikes.imageId} = ${imageId})` })
    .where(eq(images.id, imageId));
  await db.batch([
    liked
      ? db.insert(imageLikes).values({ imageId, userId, createdAt: new Date(now) }).onConflictDoNothing()
      : db.delete(imageLikes).where(and(eq(imageLikes.imageId, imageId), eq(imageLikes.userId, userId))),
    recount,
  ]);
}

/** Makes the file the user's avatar (public, so every viewer can load it) and records it. */
export async function setAvatar(db: Database, userId: string, fileId: string, avatarUrl: string, now: number): Promise<void> {
  const at = new Date(now);
  await db.batch([
    db.update(files).set({ visibility: "public" }).where(eq(files.id, fileId)),
    db.insert(avatars).values({ userId, fileId, updatedAt: at }).onConflictDoUpdate({ target: avatars.userId, set: { fileId, updatedAt: at } }),
    db.update(users).set({ avatarUrl, updatedAt: at }).where(eq(users.id, userId)),
  ]);
}

/** The sender's own files among `ids` (at most a message's worth of attachments). */
export async function findOwnFiles(db: Database, ownerId: string, ids: readonly string[]): Promise<FileRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(files)
    .where(and(eq(files.ownerId, ownerId), inArray(files.id, [...ids])));
}

/** Members of the chat may no longer read these files through it (no live message of it carries them). */
export async function removeAttachments(db: Database, chatId: string, fileIds: readonly string[]): Promise<void> {
  if (fileIds.length === 0) return;
  await db.delete(fileAttachments).where(and(eq(fileAttachments.chatId, chatId), inArray(fileAttachments.fileId, [...fileIds])));
}

/** Members of the chat may read these files from now on. */
export async function recordAttachments(db: Database, chatId: string, fileIds: readonly string[], now: number): Promise<void> {
  if (fileIds.length === 0) return;
  await db
    .insert(fileAttachments)
    .values(fileIds.map((fileId) => ({ fileId, chatId, createdAt: new Date(now) })))
    .onConflictDoNothing();
}

export async function listOwnImages(db: Database, ownerId: string): Promise<ImageRecord[]> {
  return db.select().from(images).where(eq(images.ownerId, ownerId)).orderBy(images.id);
}

export async function listLikedImageIds(db: Database, userId: string): Promise<string[]> {
  const rows = await db.select({ imageId: imageLikes.imageId }).from(imageLikes).where(eq(imageLikes.userId, userId)).orderBy(imageLikes.imageId);
  return rows.map((row) => row.imageId);
}

export async function listOpenUploads(db: Database, ownerId: string): Promise<UploadRecord[]> {
  return db
    .select()
    .from(uploads)
    .where(and(eq(uploads.ownerId, ownerId), eq(uploads.status, "receiving")));
}

/**
 * Everything media keeps of a user being deleted, as statements for the batch that deletes the
 * user: their files go and drop their blob references (bytes nobody else has go after the grace
 * period), their gallery images and likes go (counts of the images they liked recomputed), company
 * icons that were their files are cleared, their unfinished uploads are set to expire now (the GC
 * cron aborts them and removes their bytes).
 */
export function forgetUserMediaQueries(db: Database, userId: string, now: number) {
  const ownFileBlobs = db.select({ blobId: files.blobId }).from(files).where(eq(files.ownerId, userId));
  const ownReferences = sql`(SELECT count(*) FROM ${files} WHERE ${files.blobId} = ${blobs.id} AND ${files.ownerId} = ${userId})`;
  const likedByUser = db.select({ imageId: imageLikes.imageId }).from(imageLikes).where(eq(imageLikes.userId, userId));
  return [
    db
      .update(blobs)
      .set({
        refCount: sql`${blobs.refCount} - ${ownReferences}`,
        releasedAt: sql`CASE WHEN ${blobs.refCount} - ${ownReferences} <= 0 THEN ${now} ELSE ${blobs.releasedAt} END`,
      })
      .where(inArray(blobs.id, ownFileBlobs)),
    db
      .update(images)
      .set({ likeCount: sql`(SELECT count(*) FROM ${imageLikes} WHERE ${imageLikes.imageId} = ${images.id} AND ${imageLikes.userId} <> ${userId})` })
      .where(inArray(images.id, likedByUser)),
    db.delete(imageLikes).where(eq(imageLikes.userId, userId)),
    db.delete(imageTags).where(inArray(imageTags.imageId, db.select({ id: images.id }).from(images).where(eq(images.ownerId, userId)))),
    db.delete(imageLikes).where(inArray(imageLikes.imageId, db.select({ id: images.id }).from(images).where(eq(images.ownerId, userId)))),
    db.delete(images).where(eq(images.ownerId, userId)),
    db.delete(fileAttachments).where(inArray(fileAttachments.fileId, db.select({ id: files.id }).from(files).where(eq(files.ownerId, userId)))),
    db.delete(avatars).where(eq(avatars.userId, userId)),
    db
      .update(companies)
      .set({ iconFileId: null, iconUrl: null })
      .where(inArray(companies.iconFileId, db.select({ id: files.id }).from(files).where(and(eq(files.ownerId, userId), inArray(files.purpose, [...ICON_PURPOSES]))))),
    db.delete(files).where(eq(files.ownerId, userId)),
    db.update(uploads).set({ expiresAt: new Date(0) }).where(eq(uploads.ownerId, userId)),
  ];
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

export { avatars, fileAttachments, imageLikes, images, imageTags };
