// The gallery's records as the API answers them (typed from the routes).
import type { InferResponseType } from "hono/client";
import { ok } from "../../../client";
import { platform } from "../platform";
import type { Page } from "./paged-list";

type Api = typeof platform.api;
export type GalleryImage = InferResponseType<Api["v1"]["images"][":id"]["$get"], 200>;

/** Images per page: two or three screens of a grid. */
export const PAGE_SIZE = 24;

export function feedPage(tag: string | undefined, cursor: string | undefined): Promise<Page<GalleryImage>> {
  const query = { limit: String(PAGE_SIZE), ...(tag ? { tag } : {}), ...(cursor ? { cursor } : {}) };
  return ok(platform.api.v1.images.feed.$get({ query }));
}

export function userImagesPage(userId: string, cursor: string | undefined): Promise<Page<GalleryImage>> {
  const query = { limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) };
  return ok(platform.api.v1.users[":id"].images.$get({ param: { id: userId }, query }));
}

export const sameImage = (a: GalleryImage, b: GalleryImage) => a.id === b.id;

/** A tag as people type it ("#Sea ") to the form the API keeps (letters, digits, _ and -). */
export function cleanTag(text: string): string {
  return text
    .trim()
    .replace(/^#/, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
}

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map(cleanTag)
        .filter(Boolean),
    ),
  ].slice(0, 20);
}
