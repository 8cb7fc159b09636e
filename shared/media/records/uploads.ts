import { and, eq, exists, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users } from "../../db/schema/identity";
import { liveSessionClause } from "../../identity/sessions/records";
import { blobs, files, uploads } from "../../db/schema/media";
import type { BlobRecord, FileRecord } from "./files";

/** Uploads: quota slots, tus leases and progress, and their turning into files. */

export type UploadRecord = typeof uploads.$inferSelect;

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
export async function completeUpload(
  db: Database,
  bytes: CompletedBytes,
  file: NewFile,
  keepSlot: boolean,
  slotExpiresAt?: number,
): Promise<BlobRecord | null> {
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
          // Set after the file is made, for a recording whose client measured them (setAudioDetails).
          durationMs: sql<null>`NULL`.as("duration_ms"),
          waveform: sql<null>`NULL`.as("waveform"),
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
 * Takes the upload for one PATCH of `length` bytes: its owner's session must be live (this
 * statement is the PATCH's session check), and the upload must be receiving, at `offset`, have
 * room for them, and not be held by another PATCH whose lease is still running. Undefined when any
 * of that fails.
 *
 * The lease also hands out the R2 part numbers the PATCH may write (`leaseFirstPart` to
 * `leaseLastPart`, as many as the parts still missing). A lease taken over from one that ran out
 * fences off the numbers of the one before (its request may still be alive and writing them), so
 * two requests never write one part; after a lease that was given back (its request ended and
 * waited for its writes) the numbers go on from the last recorded part.
 */
export async function takeUploadLease(
  db: Database,
  id: string,
  session: { userId: string; sessionId: string },
  offset: number,
  length: number,
  leaseId: string,
  now: number,
  leaseMs: number,
) {
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
        eq(uploads.ownerId, session.userId),
        liveSessionClause(session.sessionId, uploads.ownerId, now),
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

export async function listOpenUploads(db: Database, ownerId: string): Promise<UploadRecord[]> {
  return db
    .select()
    .from(uploads)
    .where(and(eq(uploads.ownerId, ownerId), eq(uploads.status, "receiving")));
}
