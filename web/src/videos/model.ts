// The video module's records as the API answers them (typed from the routes), and how a status reads.
import type { InferResponseType } from "hono/client";
import { ok } from "../../../client";
import type { Page } from "../gallery/paged-list";
import { platform } from "../platform";
import { dateTime } from "../format";

type Api = typeof platform.api;
export type Video = InferResponseType<Api["v1"]["videos"][":id"]["$get"], 200>;
export type Playback = InferResponseType<Api["v1"]["videos"][":id"]["playback"]["$get"], 200>;

const PAGE_SIZE = 20;

export function myVideosPage(cursor: string | undefined): Promise<Page<Video>> {
  return ok(platform.api.v1.me.videos.$get({ query: { limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) } }));
}

export function publicVideosPage(search: VideoSearch, cursor: string | undefined): Promise<Page<Video>> {
  const { tag, words } = search;
  return ok(
    platform.api.v1.videos.$get({
      query: { limit: String(PAGE_SIZE), ...(tag ? { tag } : {}), ...(words ? { q: words } : {}), ...(cursor ? { cursor } : {}) },
    }),
  );
}

/** What a person typed in the search box: words of the title, and a `#tag`. */
export interface VideoSearch {
  words?: string;
  tag?: string;
}

/** "harbour boats #sea" searches titles for "harbour boats" among videos tagged sea (the first #tag counts). */
export function parseVideoSearch(text: string): VideoSearch {
  const tag = /(?:^|\s)#([\p{L}\p{N}_-]+)/u.exec(text)?.[1]?.toLowerCase().slice(0, 32);
  const words = text
    .replace(/(?:^|\s)#[\p{L}\p{N}_-]*/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return { ...(words ? { words } : {}), ...(tag ? { tag } : {}) };
}

export interface StatusView {
  /** A class for its colour: wait, good, bad, quiet. */
  tone: "wait" | "good" | "bad" | "quiet";
  label: string;
  /** Why, when someone decided or something failed. */
  detail?: string;
}

/** What the owner is told about a video: where it is, and why when it was stopped. */
export function statusOf(video: Video, now = Date.now()): StatusView {
  switch (video.status) {
    case "uploading":
      return { tone: "wait", label: "Waiting for the upload" };
    case "processing":
      return { tone: "wait", label: video.processingPercent === null ? "Processing" : `Processing ${video.processingPercent}%` };
    case "moderation":
      return { tone: "wait", label: "Waiting for review" };
    case "rejected":
      return { tone: "bad", label: "Rejected", detail: video.rejectionReason ?? undefined };
    case "failed":
      return { tone: "bad", label: "Processing failed", detail: video.failureReason ?? undefined };
    case "approved":
      if (video.archived) return { tone: "quiet", label: "Archived" };
      if (video.hiddenByReports) return { tone: "bad", label: "Hidden after reports", detail: "A moderator will look at it again." };
      if (video.publishAt && Date.parse(video.publishAt) > now) return { tone: "wait", label: `Scheduled for ${dateTime(video.publishAt)}` };
      return video.isPublic ? { tone: "good", label: "Published" } : { tone: "quiet", label: "Approved, private" };
  }
}

/**
 * A thumbnail the page can load: a chosen image file (on this origin), or Stream's frame of a video
 * everyone may see (Stream wants a signed token for the others; the local emulation names a host
 * that serves nothing).
 */
export function thumbnailOf(video: Pick<Video, "thumbnailUrl"> & Partial<Pick<Video, "status" | "isPublic" | "archived" | "hiddenByReports">>): string | null {
  const url = video.thumbnailUrl;
  if (!url) return null;
  if (url.startsWith("/")) return url;
  const everyone = video.status === "approved" && video.isPublic && !video.archived && !video.hiddenByReports;
  return everyone && /^https:\/\/customer-(?!placeholder\.)[a-z0-9-]+\.cloudflarestream\.com\//.test(url) ? url : null;
}

export function views(count: number): string {
  return count === 1 ? "1 view" : `${count.toLocaleString()} views`;
}
