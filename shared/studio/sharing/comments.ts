import { z } from "zod";
import { notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { newId, sha256Hex } from "../../ids";
import { enforceRateLimit } from "../../rate-limits";
import { ownBox } from "../library/projects";
import { type CommentRecord, findBoxOfProject, insertComment, markBoxCommentsRead, pageBoxComments, sharedProjectComments } from "./records";
import { liveShareLink, sharedProject, type SharedProjectView } from "./share-links";
import type { Deps } from "../../platform/deps-types";

export interface CommentView {
  id: string;
  boxId: string;
  authorName: string;
  text: string;
  /** Written by the project's owner (else by a visitor of a share link). */
  byOwner: boolean;
  createdAt: string;
}

export function commentView(comment: CommentRecord): CommentView {
  return {
    id: comment.id,
    boxId: comment.boxId,
    authorName: comment.authorName,
    text: comment.text,
    byOwner: comment.authorUserId !== null,
    createdAt: comment.createdAt.toISOString(),
  };
}

/**
 * A visitor's comment through a share link. The per-IP and per-link limits take their slots
 * first (so guessing tokens costs the guesser's budget too), then the link and the box are checked.
 */
export async function commentThroughLink(
  deps: Deps,
  token: string,
  boxId: string,
  ip: string | null,
  input: { authorName: string; text: string },
): Promise<CommentView> {
  const limits = deps.config.studioLibrary;
  await enforceRateLimit(deps, `studio-comments-ip:${ip ?? "unknown"}`, limits.commentsPerIp);
  await enforceRateLimit(deps, `studio-comments-link:${await sha256Hex(token)}`, limits.commentsPerLink);
  const { link } = await liveShareLink(deps, token);
  const box = await findBoxOfProject(deps.db, boxId, link.projectId);
  if (!box) throw notFound("No such box");
  const now = deps.clock.now();
  const comment = await insertComment(deps.db, {
    id: newId(now),
    boxId: box.id,
    ownerId: box.ownerId,
    shareLinkId: link.id,
    authorUserId: null,
    authorName: input.authorName,
    text: input.text,
    createdAt: new Date(now),
  });
  return commentView(comment);
}

export async function commentAsOwner(deps: Deps, boxId: string, owner: { id: string; displayName: string }, text: string): Promise<CommentView> {
  const box = await ownBox(deps, boxId, owner.id);
  const now = deps.clock.now();
  const comment = await insertComment(deps.db, {
    id: newId(now),
    boxId: box.id,
    ownerId: owner.id,
    shareLinkId: null,
    authorUserId: owner.id,
    authorName: owner.displayName,
    text,
    createdAt: new Date(now),
  });
  return commentView(comment);
}

const CommentCursor = z.object({ before: z.string().max(64) });

export async function listBoxComments(deps: Deps, boxId: string, ownerId: string, cursor: string | undefined, limit: number): Promise<Page<CommentView>> {
  await ownBox(deps, boxId, ownerId);
  const rows = await pageBoxComments(deps.db, boxId, decodeCursor(cursor, CommentCursor)?.before, limit);
  return keysetPage(rows, limit, commentView, (last) => ({ before: last.id }));
}

/** Every comment of the box so far is read: its `unreadComments` becomes 0. */
export async function markCommentsRead(deps: Deps, boxId: string, ownerId: string): Promise<void> {
  await ownBox(deps, boxId, ownerId);
  await markBoxCommentsRead(deps.db, boxId, ownerId, deps.clock.now());
}

/** What a share link's page shows: the shared view, and each box's newest comments (oldest of them first). */
export async function sharedProjectPage(deps: Deps, token: string): Promise<{ view: SharedProjectView; comments: Map<string, CommentView[]> }> {
  const view = await sharedProject(deps, token);
  const comments = new Map<string, CommentView[]>();
  for (const comment of await sharedProjectComments(deps.db, view.project.id)) {
    const list = comments.get(comment.boxId) ?? [];
    list.push(commentView(comment));
    comments.set(comment.boxId, list);
  }
  return { view, comments };
}
