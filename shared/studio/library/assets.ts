import { z } from "zod";
import { badRequest, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { newId } from "../../ids";
import { isImage, isVideo } from "../../media/media-types";
import { findOwnFileRecord } from "../../media/records/files";
import {
  type AssetFilter,
  type AssetRow,
  deleteOwnAsset,
  findOwnAsset,
  insertUploadedAsset,
  pageBoxAssets,
  pageProjectAssets,
  setOwnAssetFavorite,
  type AssetRecord,
} from "./records";
import { ownBox, ownProject } from "./projects";
import { ftsQuery } from "../../fts-query";
import { assetView, type AssetView } from "./views";
import type { Deps } from "../../platform/deps-types";

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
export async function listBoxAssets(deps: Deps, boxId: string, ownerId: string, query: AssetListQuery): Promise<Page<AssetView>> {
  await ownBox(deps, boxId, ownerId);
  return pageAssets(deps, query, (filter, before) => pageBoxAssets(deps.db, boxId, filter, before, query.limit));
}

/** Every box's assets of a project, newest first, with the same filters as a box's list. */
export async function listProjectAssets(deps: Deps, projectId: string, ownerId: string, query: AssetListQuery): Promise<Page<AssetView>> {
  await ownProject(deps, projectId, ownerId);
  return pageAssets(deps, query, (filter, before) => pageProjectAssets(deps.db, projectId, ownerId, filter, before, query.limit));
}

async function pageAssets(
  deps: Deps,
  query: AssetListQuery,
  read: (filter: AssetFilter, before: string | undefined) => Promise<AssetRow[]>,
): Promise<Page<AssetView>> {
  const before = decodeCursor(query.cursor, AssetCursor)?.before;
  const filter: AssetFilter = { type: query.type, status: query.status, favorite: query.favorite };
  if (query.q !== undefined && query.q.trim() !== "") {
    const match = ftsQuery(query.q, { maxTerms: MAX_SEARCH_TERMS, prefix: "every" });
    if (match === null) return { items: [], nextCursor: null };
    filter.match = match;
  }
  const rows = await read(filter, before);
  return keysetPage(
    rows,
    query.limit,
    (row) => assetView(row, { retentionDays: deps.config.studioLibrary.retentionDays, headliner: row.headliner }),
    (last) => ({ before: last.id }),
  );
}

/** Adds one of the owner's image or video files to a box; the asset holds its own reference to the bytes. */
export async function addUploadedAsset(deps: Deps, boxId: string, ownerId: string, fileId: string): Promise<AssetView> {
  await ownBox(deps, boxId, ownerId);
  const file = await findOwnFileRecord(deps.db, fileId, ownerId);
  if (!file) throw notFound("No such file");
  const type = isImage(file.contentType) ? "image" : isVideo(file.contentType) ? "video" : null;
  if (!type) throw badRequest("invalid_file", "An asset is an image or a video file");
  const now = deps.clock.now();
  const at = new Date(now);
  const asset = await insertUploadedAsset(
    deps.db,
    {
      id: newId(now),
      boxId,
      ownerId,
      type,
      status: "completed",
      source: "uploaded",
      fileId: newId(now),
      thumbnailFileId: null,
      prompt: "",
      createdAt: at,
      updatedAt: at,
    },
    file.id,
    now,
  );
  if (!asset) throw notFound("No such file");
  return assetView(asset, { retentionDays: deps.config.studioLibrary.retentionDays, headliner: false });
}

export async function getAsset(deps: Deps, id: string, ownerId: string): Promise<AssetView> {
  const asset = await findOwnAsset(deps.db, id, ownerId);
  if (!asset) throw notFound("No such asset");
  return assetView(asset, { retentionDays: deps.config.studioLibrary.retentionDays, headliner: asset.headliner });
}

export async function updateAsset(deps: Deps, id: string, ownerId: string, changes: { favorite?: boolean }): Promise<AssetView> {
  if (!(await findOwnAsset(deps.db, id, ownerId))) throw notFound("No such asset");
  if (changes.favorite !== undefined) await setOwnAssetFavorite(deps.db, id, ownerId, changes.favorite, deps.clock.now());
  return getAsset(deps, id, ownerId);
}

export async function deleteAsset(deps: Deps, id: string, ownerId: string): Promise<void> {
  if (!(await deleteOwnAsset(deps.db, id, ownerId, deps.clock.now()))) throw notFound("No such asset");
}
