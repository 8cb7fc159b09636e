import type { Deps } from "../../platform/deps-types";
import { badRequest, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { randomToken } from "../../ids";
import { useFileAsAvatar } from "../../media/avatars";
import { z } from "zod";
import type { VideoView } from "../../video/model";
import { normalizeTags } from "../tags";
import { requireOwnVideo, shownVideo } from "../videos";
import {
  deleteFollow,
  findProfileRow,
  type FollowRow,
  insertFollow,
  pageFollows,
  pageProfileViewers,
  type ProfileRow,
  type ProfileViewer,
  type ProfileVisibility,
  recordProfileView,
  upsertProfile,
  type ViewerRow,
} from "./records";

export type { ProfileViewer, ProfileVisibility } from "./records";

type SignedIn = { userId: string; role: "user" | "moderator" | "admin" };

/** The viewer a signed-in principal is (null for an anonymous caller). */
export function profileViewerOf(principal: SignedIn): ProfileViewer;
export function profileViewerOf(principal: SignedIn | null): ProfileViewer | null;
export function profileViewerOf(principal: SignedIn | null): ProfileViewer | null {
  return principal ? { userId: principal.userId, admin: principal.role === "admin" } : null;
}

export interface Location {
  lat: number;
  lng: number;
  place: string;
}

export interface ProfileLink {
  label: string | null;
  url: string;
}

export interface ProfileView {
  userId: string;
  displayName: string;
  headline: string;
  bio: string;
  tags: string[];
  location: Location | null;
  avatarUrl: string | null;
  links: ProfileLink[];
  followerCount: number;
  followingCount: number;
  /** Only in the owner's own view. */
  viewCount?: number;
  /** Only in the owner's own view: who may see the profile. */
  visibility?: ProfileVisibility;
  followedByMe: boolean;
  /** The owner's own view: the video set as the introduction, whatever its status. */
  videoId?: string | null;
  /** The video introduction, while it is approved and visible to the viewer. */
  video: VideoView | null;
}

export function profileView(row: ProfileRow, viewerId: string | null): ProfileView {
  const p = row.profile;
  const view: ProfileView = {
    userId: row.user.id,
    displayName: row.user.displayName,
    headline: p?.headline ?? "",
    bio: p?.bio ?? "",
    tags: p ? (JSON.parse(p.tags) as string[]) : [],
    location: p && p.lat !== null && p.lng !== null ? { lat: p.lat, lng: p.lng, place: p.place ?? "" } : null,
    avatarUrl: row.user.avatarUrl,
    links: p ? (JSON.parse(p.links) as ProfileLink[]) : [],
    followerCount: p?.followerCount ?? 0,
    followingCount: p?.followingCount ?? 0,
    followedByMe: row.followedByViewer,
    video: null,
  };
  if (viewerId === row.user.id) {
    view.viewCount = p?.viewCount ?? 0;
    view.visibility = p?.visibility ?? "everyone";
    view.videoId = p?.videoId ?? null;
  }
  return view;
}

export const MAX_LINKS = 10;

/** http(s) URLs only, as the URL parser spells them (so `javascript:` and relative links never show on a profile). */
export function validateLinks(links: readonly { label?: string | null; url: string }[]): ProfileLink[] {
  if (links.length > MAX_LINKS) throw badRequest("too_many_links", `At most ${MAX_LINKS} links`, [{ path: "links", message: `At most ${MAX_LINKS} links` }]);
  return links.map((link, index) => {
    let url: URL;
    try {
      url = new URL(link.url);
    } catch {
      throw badRequest("invalid_link", "A link is not a URL", [{ path: `links.${index}.url`, message: "Not an absolute URL" }]);
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname.includes(".") || url.username || url.password) {
      throw badRequest("invalid_link", "Links are http(s) URLs of a public host", [
        { path: `links.${index}.url`, message: "Only http(s) URLs of a public host, without credentials" },
      ]);
    }
    return { label: link.label?.trim() || null, url: url.toString() };
  });
}

export interface ProfileEdit {
  headline?: string;
  bio?: string;
  tags?: string[];
  location?: Location | null;
  links?: { label?: string | null; url: string }[];
  avatarFileId?: string;
  /** One of the user's videos, or null to remove the introduction. */
  videoId?: string | null;
  visibility?: ProfileVisibility;
}

/** The view with its video introduction, as this viewer may see it. */
async function withVideo(deps: Deps, row: ProfileRow, viewerId: string | null): Promise<ProfileView> {
  const view = profileView(row, viewerId);
  view.video = await shownVideo(deps, row.profile?.videoId ?? null, viewerId ? { userId: viewerId, role: "user" } : null);
  return view;
}

export async function ownProfile(deps: Deps, userId: string): Promise<ProfileView> {
  const row = await findProfileRow(deps.db, userId, { userId, admin: false });
  if (!row) throw notFound("No such user");
  return withVideo(deps, row, userId);
}

export async function editProfile(deps: Deps, userId: string, edit: ProfileEdit): Promise<ProfileView> {
  const tags = edit.tags === undefined ? undefined : JSON.stringify(normalizeTags(edit.tags));
  const links = edit.links === undefined ? undefined : JSON.stringify(validateLinks(edit.links));
  if (edit.avatarFileId !== undefined) await useFileAsAvatar(deps, userId, edit.avatarFileId);
  if (edit.videoId) await requireOwnVideo(deps, edit.videoId, userId);
  const location =
    edit.location === undefined
      ? {}
      : edit.location === null
        ? { lat: null, lng: null, place: null }
        : { lat: edit.location.lat, lng: edit.location.lng, place: edit.location.place };
  await upsertProfile(
    deps.db,
    userId,
    { headline: edit.headline?.trim(), bio: edit.bio, tags, links, videoId: edit.videoId, visibility: edit.visibility, ...location },
    deps.clock.date(),
  );
  return ownProfile(deps, userId);
}

/**
 * The user's profile row when `viewer` may see it. A profile hidden from them answers as an
 * unknown user does (the same 404), so nobody learns that a hidden profile exists.
 */
async function visibleProfileRow(deps: Deps, userId: string, viewer: ProfileViewer | null): Promise<ProfileRow> {
  const row = await findProfileRow(deps.db, userId, viewer);
  if (!row?.visibleToViewer) throw notFound("No such user");
  return row;
}

/** A user's profile as `viewer` may see it; a signed-in viewer other than the owner counts one view per UTC day (never of a profile hidden from them). */
export async function viewProfile(deps: Deps, userId: string, viewer: ProfileViewer | null): Promise<ProfileView> {
  const row = await visibleProfileRow(deps, userId, viewer);
  if (viewer && viewer.userId !== userId) {
    const now = deps.clock.date();
    await recordProfileView(deps.db, userId, viewer.userId, now.toISOString().slice(0, 10), randomToken(12), now);
  }
  return withVideo(deps, row, viewer?.userId ?? null);
}

/**
 * Follows or unfollows a profile the follower may see. Unfollowing a profile that has since been
 * hidden from them still removes the follow, then answers the same 404 as an unknown user.
 */
export async function follow(deps: Deps, follower: ProfileViewer, followeeId: string, following: boolean): Promise<ProfileView> {
  const followerId = follower.userId;
  if (followerId === followeeId) throw badRequest("cannot_follow_self", "You cannot follow yourself");
  if (following) {
    await visibleProfileRow(deps, followeeId, follower);
    await insertFollow(deps.db, followerId, followeeId, randomToken(12), deps.clock.date());
  } else {
    if (!(await findProfileRow(deps.db, followeeId, null))) throw notFound("No such user");
    await deleteFollow(deps.db, followerId, followeeId);
  }
  return withVideo(deps, await visibleProfileRow(deps, followeeId, follower), followerId);
}

export interface FollowView {
  userId: string;
  displayName: string;
  avatarUrl: string | null;
  headline: string;
  followedAt: string;
}

const FollowCursorSchema = z.object({ t: z.number().int(), id: z.string().max(64) });

/** Who follows a user, or whom they follow, for a viewer who may see the user's profile: only the people whose profiles the viewer may see. */
export async function followPage(
  deps: Deps,
  userId: string,
  direction: "followers" | "following",
  viewer: ProfileViewer | null,
  cursor: string | undefined,
  limit: number,
): Promise<Page<FollowView>> {
  await visibleProfileRow(deps, userId, viewer);
  const rows = await pageFollows(deps.db, userId, direction, viewer, decodeCursor(cursor, FollowCursorSchema), limit);
  return keysetPage(
    rows,
    limit,
    (row: FollowRow) => ({
      userId: row.user.id,
      displayName: row.user.displayName,
      avatarUrl: row.user.avatarUrl,
      headline: row.headline ?? "",
      followedAt: row.followedAt.toISOString(),
    }),
    (last) => ({ t: last.followedAt.getTime(), id: last.user.id }),
  );
}

export interface ProfileViewerView {
  userId: string;
  displayName: string;
  avatarUrl: string | null;
  headline: string;
  /** The UTC day of the view (YYYY-MM-DD): views are counted once per viewer and day. */
  day: string;
}

const ViewerCursorSchema = z.object({ d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), id: z.string().max(64) });

/** How long the owner can see who viewed the profile: the daily cleanup drops older view rows (as LinkedIn's 90 days). */
export const PROFILE_VIEWERS_KEPT_DAYS = 90;

/** Who viewed the owner's profile in the last PROFILE_VIEWERS_KEPT_DAYS days, newest day first (viewers whose profile the owner may not see are left out). */
export async function profileViewers(deps: Deps, owner: ProfileViewer, cursor: string | undefined, limit: number): Promise<Page<ProfileViewerView>> {
  const rows = await pageProfileViewers(deps.db, owner, decodeCursor(cursor, ViewerCursorSchema), limit);
  return keysetPage(
    rows,
    limit,
    (row: ViewerRow) => ({ userId: row.user.id, displayName: row.user.displayName, avatarUrl: row.user.avatarUrl, headline: row.headline ?? "", day: row.day }),
    (last) => ({ d: last.day, id: last.user.id }),
  );
}
