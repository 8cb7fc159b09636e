import { eq, inArray, type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { ReleaseQuery } from "../file-references";
import { avatars, blobs, fileAttachments, files, imageLikes, images, imageTags, uploads } from "../../db/schema/media";

/** What media keeps of an account, gone with it. */

/**
 * Everything media keeps of a user being deleted, as statements for the batch that deletes the
 * user: their files go and drop their blob references (bytes nobody else has go after the grace
 * period), their gallery images and likes go (counts of the images they liked recomputed), company
 * references other modules keep to their files are let go (`releases`: company icons, video thumbnails), their unfinished uploads are set to expire now (the GC
 * cron aborts them and removes their bytes).
 */
export function forgetUserMediaQueries(db: Database, userId: string, now: number, releases: (fileIds: SQLWrapper) => ReleaseQuery[]) {
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
    ...releases(db.select({ id: files.id }).from(files).where(eq(files.ownerId, userId))),
    db.delete(files).where(eq(files.ownerId, userId)),
    db
      .update(uploads)
      .set({ expiresAt: new Date(0) })
      .where(eq(uploads.ownerId, userId)),
  ];
}
