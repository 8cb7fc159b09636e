import { and, desc, eq, exists, lt, or, type SQL, sql, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users } from "../../db/schema/identity";
import { avatars, files, imageLikes, images, imageTags } from "../../db/schema/media";
import type { FileRecord } from "./files";

/** The gallery: published images, their tags and likes. */

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

/** What `viewerId` may see: public images, and their own private ones. */
function visibleTo(viewerId: string | null) {
  return viewerId ? or(eq(images.visibility, "public"), eq(images.ownerId, viewerId)) : eq(images.visibility, "public");
}

/**
 * Newest first; by tag or by owner, or only images another module's condition picks (`only`, given
 * the image id column: moderation hints pick those with an open hint); only what the viewer may
 * see; `before` is the last id of the previous page. A private picture shows only in its owner's
 * own list: the feed and the tag lists are what everyone sees, the owner included.
 */
export async function pageGallery(
  db: Database,
  filter: { tag?: string; ownerId?: string; only?: (imageId: SQLWrapper) => SQL },
  before: string | undefined,
  limit: number,
  viewerId: string | null,
) {
  const rows = await galleryQuery(db, viewerId)
    .where(
      and(
        visibleTo(filter.ownerId !== undefined && filter.ownerId === viewerId ? viewerId : null),
        filter.ownerId ? eq(images.ownerId, filter.ownerId) : undefined,
        filter.only?.(images.id),
        filter.tag
          ? exists(
              db
                .select({ one: sql`1` })
                .from(imageTags)
                .where(and(eq(imageTags.tag, filter.tag), eq(imageTags.imageId, images.id))),
            )
          : undefined,
        before ? lt(images.id, before) : undefined,
      ),
    )
    .orderBy(desc(images.id))
    .limit(limit + 1);
  return rows.map(toGalleryRow);
}

/**
 * Whether something public besides its gallery image (a file is in the gallery at most once) uses
 * the file, so it must stay readable by anyone: an avatar, or what `publicUses` says of other
 * modules (a company icon, a video thumbnail).
 */
function usedPubliclyOutsideGallery(fileId: SQLWrapper, publicUses: (fileId: SQLWrapper) => SQL[]) {
  const uses = [sql`EXISTS (SELECT 1 FROM ${avatars} WHERE ${avatars.fileId} = ${fileId})`, ...publicUses(fileId)];
  return sql`(${sql.join(uses, sql` OR `)})`;
}

/**
 * Removes an image from the gallery. Its file is private again, unless its owner made it public
 * before publishing it or something else public uses it (an avatar, a company icon, a video
 * thumbnail): a file stays readable as long as anything public refers to it. False when there was
 * no such image.
 */
export async function deleteImage(db: Database, id: string, publicUses: (fileId: SQLWrapper) => SQL[]): Promise<boolean> {
  const [, deleted] = await db.batch([fileBackToPrivate(db, id, publicUses), db.delete(images).where(eq(images.id, id)).returning({ id: images.id })]);
  return deleted.length === 1;
}

/** The image's file private again, unless it was public before publishing or something else public uses it. */
function fileBackToPrivate(db: Database, imageId: string, publicUses: (fileId: SQLWrapper) => SQL[]) {
  return db
    .update(files)
    .set({ visibility: "private" })
    .where(
      and(
        eq(
          files.id,
          db
            .select({ fileId: images.fileId })
            .from(images)
            .where(and(eq(images.id, imageId), eq(images.fileWasPublic, false))),
        ),
        sql`NOT ${usedPubliclyOutsideGallery(files.id, publicUses)}`,
      ),
    );
}

export interface ImageChanges {
  title?: string;
  description?: string | null;
  /** Normalized already; replaces the tags. */
  tags?: string[];
  visibility?: "public" | "private";
}

/**
 * The owner's edit, in one transaction: the row, its tags, and the file's visibility following the
 * image's (public with it; private with it under the same rule as removing the image). The caller
 * has checked that `ownerId` owns it; the row's own update says so again (false when not).
 */
export async function updateImage(
  db: Database,
  id: string,
  ownerId: string,
  changes: ImageChanges,
  publicUses: (fileId: SQLWrapper) => SQL[],
): Promise<boolean> {
  const { tags, ...fields } = changes;
  const set = { ...fields, ...(tags ? { tags: JSON.stringify(tags) } : {}) };
  const tagRows = (tags ?? []).map((tag) => ({ tag, imageId: id }));
  const [updated] = await db.batch([
    db
      .update(images)
      .set(Object.keys(set).length > 0 ? set : { id })
      .where(and(eq(images.id, id), eq(images.ownerId, ownerId)))
      .returning({ id: images.id }),
    ...(tags ? [db.delete(imageTags).where(eq(imageTags.imageId, id))] : []),
    ...(tagRows.length > 0 ? [db.insert(imageTags).values(tagRows)] : []),
    ...(changes.visibility === "public"
      ? [
          db
            .update(files)
            .set({ visibility: "public" })
            .where(eq(files.id, db.select({ fileId: images.fileId }).from(images).where(eq(images.id, id)))),
        ]
      : []),
    ...(changes.visibility === "private" ? [fileBackToPrivate(db, id, publicUses)] : []),
  ]);
  return updated.length === 1;
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
      ? db
          .insert(imageLikes)
          .values({ imageId, userId, createdAt: new Date(now) })
          .onConflictDoNothing()
      : db.delete(imageLikes).where(and(eq(imageLikes.imageId, imageId), eq(imageLikes.userId, userId))),
    recount,
  ]);
}

export async function listOwnImages(db: Database, ownerId: string): Promise<ImageRecord[]> {
  return db.select().from(images).where(eq(images.ownerId, ownerId)).orderBy(images.id);
}

export async function listLikedImageIds(db: Database, userId: string): Promise<string[]> {
  const rows = await db.select({ imageId: imageLikes.imageId }).from(imageLikes).where(eq(imageLikes.userId, userId)).orderBy(imageLikes.imageId);
  return rows.map((row) => row.imageId);
}
