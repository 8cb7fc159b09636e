import { ApiError, notFound } from "../../http/errors";
import { newId, randomToken, sha256Hex } from "../../ids";
import { contentPath } from "../../media/content-path";
import { signUrl } from "../../media/signed-urls";
import { ownProject } from "../library/projects";
import { modelNameOf } from "../library/views";
import { deleteOwnShareLink, findShareLink, insertShareLink, listProjectShareLinks, sharedProjectContent, type SharedAssetRecord } from "./records";
import type { Deps } from "../../platform/deps-types";

/** 24 random bytes: 192 bits, more than the 128 a link needs to be unguessable. */
const TOKEN_BYTES = 24;
/**
 * How long the file URLs in a shared view work. A revoked link stops at once, but URLs it already
 * handed out keep working until they expire, so they are short.
 */
export const SHARED_FILE_URL_SECONDS = 900;

/** The shared view as JSON (the API's address, which also answers a browser with the page). */
export const sharePath = (token: string) => `/v1/studio/shared/${encodeURIComponent(token)}`;
/** The shared project's web page: the address handed out to people. */
export const sharePagePath = (token: string) => `/studio/shared/${encodeURIComponent(token)}`;

export interface ShareLinkView {
  /** Names the link in the project's list (and revokes it when the token is lost). */
  id: string;
  /** Shown once: only its hash is stored. */
  token: string;
  /** The JSON view's address (API clients). */
  url: string;
  /** The web page's address: what to hand to a person. */
  pageUrl: string;
  expiresAt: string | null;
}

export async function createShareLink(deps: Deps, projectId: string, ownerId: string, expiresInSeconds: number | undefined): Promise<ShareLinkView> {
  await ownProject(deps, projectId, ownerId);
  const now = deps.clock.now();
  const token = randomToken(TOKEN_BYTES);
  const expiresAt = expiresInSeconds === undefined ? null : new Date(now + expiresInSeconds * 1000);
  const id = newId(now);
  await insertShareLink(deps.db, { id, projectId, ownerId, tokenHash: await sha256Hex(token), expiresAt, createdAt: new Date(now) });
  const origin = deps.config.publicOrigin;
  return {
    id,
    token,
    url: new URL(sharePath(token), origin).toString(),
    pageUrl: new URL(sharePagePath(token), origin).toString(),
    expiresAt: expiresAt?.toISOString() ?? null,
  };
}

const LINK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Revokes a link named by its token, or by its id (from the project's list) when the token is lost. */
export async function revokeShareLink(deps: Deps, tokenOrId: string, ownerId: string): Promise<void> {
  const link = LINK_ID.test(tokenOrId) ? { id: tokenOrId } : { tokenHash: await sha256Hex(tokenOrId) };
  if (!(await deleteOwnShareLink(deps.db, link, ownerId))) throw notFound("No such share link");
}

export interface ShareLinkSummary {
  id: string;
  expiresAt: string | null;
  expired: boolean;
  createdAt: string;
}

export async function projectShareLinks(deps: Deps, projectId: string, ownerId: string): Promise<{ items: ShareLinkSummary[] }> {
  await ownProject(deps, projectId, ownerId);
  const now = deps.clock.now();
  const links = await listProjectShareLinks(deps.db, projectId);
  return {
    items: links.map((link) => ({
      id: link.id,
      expiresAt: link.expiresAt?.toISOString() ?? null,
      expired: link.expiresAt !== null && link.expiresAt.getTime() <= now,
      createdAt: link.createdAt.toISOString(),
    })),
  };
}

/** The live link of a token with its project: unknown or revoked is 404, expired is 410. */
export async function liveShareLink(deps: Deps, token: string) {
  const found = await findShareLink(deps.db, await sha256Hex(token));
  if (!found) throw notFound("No such share link");
  if (found.link.expiresAt && found.link.expiresAt.getTime() <= deps.clock.now()) throw new ApiError(410, "share_expired", "This share link has expired");
  return found;
}

export interface SharedAssetView {
  id: string;
  type: "image" | "video";
  prompt: string;
  modelId: string | null;
  modelName: string | null;
  url: string;
  thumbnailUrl: string | null;
  createdAt: string;
}

export interface SharedProjectView {
  project: { id: string; name: string };
  boxes: { id: string; name: string; orderIndex: number; headlinerAssetId: string | null; assets: SharedAssetView[] }[];
  /** When the file URLs in this view stop working. */
  urlsExpireAt: string;
}

/** A project through a share link: its boxes in order with their completed assets and signed file URLs. */
export async function sharedProject(deps: Deps, token: string): Promise<SharedProjectView> {
  const { link, project } = await liveShareLink(deps, token);
  const key = deps.config.media.urlSigningKeys[0];
  if (!key) throw new ApiError(503, "not_configured", "Shared views need the MEDIA_URL_SIGNING_KEYS secret");
  const now = deps.clock.now();
  const until = Math.min(Math.floor(now / 1000) * 1000 + SHARED_FILE_URL_SECONDS * 1000, link.expiresAt?.getTime() ?? Infinity);
  const expiresAt = new Date(until);
  const sign = async (fileId: string) => (await signUrl(new URL(contentPath(fileId), deps.config.publicOrigin), key, expiresAt)).toString();
  const assetView = async (asset: SharedAssetRecord): Promise<SharedAssetView> => ({
    id: asset.id,
    type: asset.type,
    prompt: asset.prompt,
    modelId: asset.modelId,
    modelName: modelNameOf(asset.modelId, asset.modelName),
    url: await sign(asset.fileId!),
    thumbnailUrl: asset.thumbnailFileId ? await sign(asset.thumbnailFileId) : null,
    createdAt: asset.createdAt.toISOString(),
  });

  const content = await sharedProjectContent(deps.db, project.id);
  const views = await Promise.all(content.assets.map(assetView));
  const byBox = new Map<string, SharedAssetView[]>();
  content.assets.forEach((asset, i) => {
    const list = byBox.get(asset.boxId) ?? [];
    list.push(views[i]!);
    byBox.set(asset.boxId, list);
  });
  return {
    project: { id: project.id, name: project.name },
    boxes: content.boxes.map((box) => ({
      id: box.id,
      name: box.name,
      orderIndex: box.orderIndex,
      headlinerAssetId: box.headlinerAssetId,
      assets: byBox.get(box.id) ?? [],
    })),
    urlsExpireAt: expiresAt.toISOString(),
  };
}
