import { conflict } from "../http/errors";
import { newId } from "../ids";
import { ownerVideoView, REVIEWED_FIELDS, revisionOf, type VideoRevision, type VideoView } from "./model";
import { videoToDecide } from "./moderation";
import { type NewVideoRecord, revisionIs, type VideoRecord } from "./records";
import { chooseStreamFrame } from "./stream-frames";
import { auditedChange } from "./video-changes";
import type { Viewer } from "./visibility";
import type { Deps } from "../platform/deps-types";

/**
 * After approval, what a video shows (title, description, tags, thumbnail) changes only through a
 * moderator: the owner's edits wait as one pending revision while everyone else keeps seeing the
 * approved values, the way a video platform keeps the reviewed version up while a change is in
 * review. Visibility settings (`isPublic`, `publishAt`, archive) only narrow or time what was
 * approved and apply at once.
 */

export type ReviewedChanges = Partial<Pick<VideoRevision, (typeof REVIEWED_FIELDS)[number]>>;

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function liveValue(video: VideoRecord, field: (typeof REVIEWED_FIELDS)[number]): unknown {
  return field === "tags" ? (JSON.parse(video.tags) as string[]) : video[field];
}

/**
 * The columns an owner's edit of an approved video sets: `changes` merged into the pending
 * revision (a new revision id, so a moderator never approves what they did not see); fields that
 * equal the approved values drop out, and a revision left empty is withdrawn.
 */
export function revise(video: VideoRecord, changes: ReviewedChanges, now: number): Pick<NewVideoRecord, "revision" | "revisionRejectionReason"> {
  const pending: ReviewedChanges = { ...revisionFields(revisionOf(video)), ...changes };
  for (const field of REVIEWED_FIELDS) {
    if (field in pending && sameValue(pending[field], liveValue(video, field))) delete pending[field];
  }
  if (Object.keys(pending).length === 0) return { revision: null, revisionRejectionReason: null };
  const revision: VideoRevision = { id: newId(now), submittedAt: new Date(now).toISOString(), ...pending };
  return { revision: JSON.stringify(revision), revisionRejectionReason: null };
}

function revisionFields(revision: VideoRevision | null): ReviewedChanges {
  if (!revision) return {};
  const { id: _id, submittedAt: _at, ...fields } = revision;
  return fields;
}

function pendingRevision(video: VideoRecord, revisionId: string): VideoRevision {
  const revision = revisionOf(video);
  if (!revision) throw conflict("no_revision", "This video has no pending revision");
  if (revision.id !== revisionId) throw conflict("revision_changed", "The owner changed the revision since; look at the current one");
  return revision;
}

/** A moderator approves the revision they looked at (by id): it becomes what everyone sees, tags and a chosen frame at Stream included. */
export async function approveRevision(deps: Deps, actor: Viewer, id: string, revisionId: string): Promise<VideoView> {
  const video = await videoToDecide(deps, actor, id);
  const revision = pendingRevision(video, revisionId);
  const changes: Partial<NewVideoRecord> = { revision: null, revisionRejectionReason: null };
  if (revision.title !== undefined) changes.title = revision.title;
  if (revision.description !== undefined) changes.description = revision.description;
  if (revision.tags !== undefined) changes.tags = JSON.stringify(revision.tags);
  if (revision.thumbnailFileId !== undefined) changes.thumbnailFileId = revision.thumbnailFileId;
  if (revision.thumbnailTimestampPct !== undefined) {
    changes.thumbnailTimestampPct = revision.thumbnailTimestampPct;
    changes.streamThumbnailUrl = (await chooseStreamFrame(deps, video, revision.thumbnailTimestampPct)) ?? video.streamThumbnailUrl;
  }
  const changed = await auditedChange(deps, video, "video.revision_approved", actor.userId, `revision ${revisionId}`, changes, [], {
    where: revisionIs(revisionId),
    tags: revision.tags,
  });
  if (!changed) throw conflict("revision_changed", "The owner changed the revision since; look at the current one");
  return ownerVideoView(changed);
}

/** A moderator rejects the revision they looked at: the approved version stays, and the owner sees why. */
export async function rejectRevision(deps: Deps, actor: Viewer, id: string, revisionId: string, reason: string): Promise<VideoView> {
  const video = await videoToDecide(deps, actor, id);
  pendingRevision(video, revisionId);
  const changed = await auditedChange(deps, video, "video.revision_rejected", actor.userId, reason, { revision: null, revisionRejectionReason: reason }, [], {
    where: revisionIs(revisionId),
  });
  if (!changed) throw conflict("revision_changed", "The owner changed the revision since; look at the current one");
  return ownerVideoView(changed);
}
