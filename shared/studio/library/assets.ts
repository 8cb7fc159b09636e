import { z } from "zod";
import { clock } from "../../clock";
import type { Database } from "../../db/client";
import { badRequest, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { newId } from "../../ids";
import { isImage, isVideo } from "../../media/media-types";
import { findOwnFileRecord } from "../../media/records";
import { type AssetFilter, deleteOwnAsset, findOwnAsset, insertUploadedAsset, pageBoxAssets, setOwnAssetFavorite, type AssetRecord } from "./records";
import { ownBox } from "./projects";
import { ftsQuery } from "../../fts-query";
import { assetView, type AssetView } from "./views";

/** The most words of `q` that take part in a search (a longer text is cut, not refused). */
const MAX_SEARCH_TERMS = 16;

export interface AssetListQuery {
  type?: AssetRecord["type"];
  status?: AssetRecord["status"];
  favorite?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

const AssetCursor = z.object({ before: z.string().max(64) });

/** A box's assets, newest first, filtered; `q` searches prompts word by word (prefixes). */
export async function listBoxAssets(db: Database, boxId: string, ownerId: string, query: AssetListQuery, retentionDays: number): Promise<Page<AssetView>> {
  await ownBox(db, boxId, ownerId);
  const before = decodeCursor(query.cursor, AssetCursor)?.before;
  const filter: AssetFilter = { type: query.type, status: query.status, favorite: query.favorite };
  if (query.q !== undefined && query.q.trim() !== "") {
    const match = ftsQuery(query.q, { maxTerms: MAX_SEARCH_TERMS, prefix: "every" });
    if (match === null) return { items: [], nextCursor: null };
    filter.match = match;
  }
  const rows = await pageBoxAssets(db, boxId, filter, before, query.limit);
  return keysetPage(rows, query.limit, (row) => assetView(row, { retentionDays, headliner: row.headliner }), (last) => ({ before: last.id }));
}

/** Adds one of the owner's image or video files to a box; the asset holds its own reference to the bytes. */
export async function addUploadedAsset(db: Database, boxId: string, ownerId: string, fileId: string, retentionDays: number): Promise<AssetView> {
  await ownBox(db, boxId, ownerId);
  const file = await findOwnFileRecord(db, fileId, ownerId);
  if (!file) throw notFound("No such file");
  const type = isImage(file.contentType) ? "image" : isVideo(file.contentType) ? "video" : null;
  if (!type) throw badRequest("invalid_file", "An asset is an image or a video file");
  const now = clock.now();
  const at = new Date(now);
  const asset = await insertUploadedAsset(
    db,
    { id: newId(now), boxId, ownerId, type, status: "completed", source: "uploaded", fileId: newId(now), thumbnailFileId: null, prompt: "", createdAt: at, updatedAt: at },
    file.id,
    now,
  );
  if (!asset) throw notFound("No such file");
  return assetView(asset, { retentionDays, headliner: false });
}

export async function getAsset(db: Database, id: string, ownerId: string, retentionDays: number): Promise<AssetView> {
  const asset = await findOwnAsset(db, id, ownerId);
  if (!asset) throw notFound("No such asset");
  return assetView(asset, { retentionDays, headliner: asset.headliner });
}

export async function updateAsset(db: Database, id: string, ownerId: string, changes: { favorite?: boolean }, retentionDays: number): Promise<AssetView> {
  if (!(await findOwnAsset(db, id, ownerId))) throw notFound("No such asset");
  if (changes.favorite !== undefined) await setOwnAssetFavorite(db, id, ownerId, changes.favorite, clock.now());
  return getAsset(db, id, ownerId, retentionDays);
}

export async function deleteAsset(db: Database, id: string, ownerId: string): Promise<void> {
  if (!(await deleteOwnAsset(db, id, ownerId, clock.now()))) throw notFound("No such asset");
}
