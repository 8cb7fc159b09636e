import type { SQL, SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import { badRequest, conflict, forbidden, notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { newId } from "../ids";
import { requestModerationHint } from "../moderation-hints/hints";
import { contentPath } from "./content-path";
import { type FileView, fileView } from "./files";
import { findOwnFileRecord } from "./records/files";
import { deleteImage, findGalleryImage, type GalleryRow, imageOfFile, insertImage, pageGallery, setLike, updateImage } from "./records/gallery";
import type { Deps } from "../platform/deps-types";
import { VARIANT_SIZES } from "./variants";

/** A gallery image as the API shows it. */
export interface ImageView {
  id: string;
  owner: { id: string; displayName: string };
  file: FileView;
  title: string;
  description: string | null;
  tags: string[];
  width: number | null;
  height: number | null;
  likeCount: number;
  likedByMe: boolean;
  /** Private: only its owner sees it. */
  visibility: "public" | "private";
  variants: ImageVariant[];
  createdAt: string;
}

/** A resized copy a page can choose from (`srcset`), at the width it really has. */
export interface ImageVariant {
  width: number;
  height: number;
  url: string;
}

/**
 * The variants worth offering for a picture `width` x `height`: every allowed size below its width,
 * then one that is the picture at its own width (variants only scale down; over 2048 it is 2048).
 * The smallest (32) doubles as the blurred placeholder shown while a larger one loads. A picture
 * whose size is unknown gets none: the page shows the file itself.
 */
export function imageVariants(fileId: string, width: number | null, height: number | null): ImageVariant[] {
  if (!width || !height) return [];
  const path = contentPath(fileId);
  const at = (size: number, requested = size) => ({ width: size, height: Math.max(1, Math.round((height * size) / width)), url: `${path}?width=${requested}` });
  const below = VARIANT_SIZES.filter((size) => size < width).map((size) => at(size));
  const largest: number = VARIANT_SIZES[VARIANT_SIZES.length - 1]!;
  const whole = VARIANT_SIZES.find((size) => size >= width);
  return [...below, whole === undefined ? at(largest) : at(width, whole)];
}

export function imageView(row: GalleryRow): ImageView {
  return {
    id: row.image.id,
    owner: { id: row.image.ownerId, displayName: row.ownerName },
    file: fileView(row.file),
    title: row.image.title,
    description: row.image.description,
    tags: JSON.parse(row.image.tags) as string[],
    width: row.file.width,
    height: row.file.height,
    likeCount: row.image.likeCount,
    likedByMe: row.likedByViewer,
    visibility: row.image.visibility,
    variants: imageVariants(row.file.id, row.file.width, row.file.height),
    createdAt: row.image.createdAt.toISOString(),
  };
}

/** Tags compare case-insensitively and without surrounding space; repeats collapse. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

export interface NewImage {
  fileId: string;
  title: string;
  description?: string;
  tags?: string[];
}

/** Puts one of the owner's image files in the gallery; the file becomes public. */
export async function publishImage(deps: Deps, ownerId: string, input: NewImage): Promise<ImageView> {
  const file = await findOwnFileRecord(deps.db, input.fileId, ownerId);
  if (!file) throw notFound("No such file");
  if (file.purpose !== "image") throw badRequest("invalid_file", "Only files uploaded with purpose=image go in the gallery");
  if (await imageOfFile(deps.db, file.id)) throw conflict("already_published", "This file is in the gallery already");
  const now = deps.clock.now();
  const id = newId(now);
  const tags = normalizeTags(input.tags ?? []);
  try {
    await insertImage(
      deps.db,
      {
        id,
        ownerId,
        fileId: file.id,
        fileWasPublic: file.visibility === "public",
        title: input.title,
        description: input.description ?? null,
        tags: JSON.stringify(tags),
        likeCount: 0,
        createdAt: new Date(now),
      },
      tags,
    );
  } catch (error) {
    // Two requests publishing the same file: the unique index lets one through.
    if (await imageOfFile(deps.db, file.id)) throw conflict("already_published", "This file is in the gallery already");
    throw error;
  }
  // An advisory AI hint for moderators (queued; a failure there never fails the upload).
  await requestModerationHint(deps, {
    kind: "image",
    id,
    ownerId,
    title: input.title,
    description: input.description ?? null,
    fileName: file.name,
    contentType: file.contentType,
    fileId: file.id,
  });
  return imageView((await findGalleryImage(deps.db, id, ownerId))!);
}

/** The image if `viewerId` may see it: a private one is its owner's alone, and to anyone else there is no such image. */
async function visibleImage(deps: Deps, id: string, viewerId: string | null): Promise<GalleryRow> {
  const row = await findGalleryImage(deps.db, id, viewerId);
  if (!row || (row.image.visibility === "private" && row.image.ownerId !== viewerId)) throw notFound("No such image");
  return row;
}

export async function galleryImage(deps: Deps, id: string, viewerId: string | null): Promise<ImageView> {
  return imageView(await visibleImage(deps, id, viewerId));
}

export interface ImageEdit {
  title?: string;
  description?: string | null;
  tags?: string[];
  visibility?: "public" | "private";
}

const publicUsesOf = (deps: Deps) => (fileId: SQLWrapper) =>
  deps.fileReferences.flatMap((references) => (references.publicUse ? [references.publicUse(fileId)] : []));

/** The owner changes the title, description, tags or who sees it (the file follows: see updateImage). */
export async function editImage(deps: Deps, id: string, ownerId: string, edit: ImageEdit): Promise<ImageView> {
  const row = await visibleImage(deps, id, ownerId);
  if (row.image.ownerId !== ownerId) throw forbidden("Only the owner edits an image");
  const changes = {
    ...edit,
    ...(edit.description !== undefined ? { description: edit.description?.trim() || null } : {}),
    ...(edit.tags ? { tags: normalizeTags(edit.tags) } : {}),
  };
  if (!(await updateImage(deps.db, id, ownerId, changes, publicUsesOf(deps)))) throw notFound("No such image");
  return galleryImage(deps, id, ownerId);
}

const ImageCursor = z.object({ before: z.string().max(64) });

export async function galleryPage(
  deps: Deps,
  filter: { tag?: string; ownerId?: string; only?: (imageId: SQLWrapper) => SQL },
  cursor: string | undefined,
  limit: number,
  viewerId: string | null,
): Promise<Page<ImageView>> {
  const before = decodeCursor(cursor, ImageCursor)?.before;
  const tag = filter.tag === undefined ? undefined : normalizeTags([filter.tag])[0];
  const rows = await pageGallery(deps.db, { ...filter, tag }, before, limit, viewerId);
  return keysetPage(rows, limit, imageView, (last) => ({ before: last.image.id }));
}

export async function removeImage(deps: Deps, id: string, actor: { userId: string; role: string }): Promise<void> {
  const row = await findGalleryImage(deps.db, id, null);
  const moderator = actor.role === "moderator" || actor.role === "admin";
  if (!row || (row.image.visibility === "private" && row.image.ownerId !== actor.userId && !moderator)) throw notFound("No such image");
  if (row.image.ownerId !== actor.userId && !moderator) {
    throw forbidden("Only the owner or a moderator removes an image");
  }
  if (!(await deleteImage(deps.db, id, publicUsesOf(deps)))) throw notFound("No such image");
}

export async function likeImage(deps: Deps, id: string, userId: string, liked: boolean): Promise<ImageView> {
  await visibleImage(deps, id, userId);
  await setLike(deps.db, id, userId, liked, deps.clock.now());
  return galleryImage(deps, id, userId);
}
