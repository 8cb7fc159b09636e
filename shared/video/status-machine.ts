import type { VIDEO_STATUSES } from "../db/schema/video";

export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/**
 * `uploading -> processing -> moderation -> approved | rejected`, or `failed`. A moderator may
 * reverse a decision (approved <-> rejected); nothing leaves `failed`.
 */
const NEXT: Record<VideoStatus, readonly VideoStatus[]> = {
  uploading: ["processing", "failed"],
  processing: ["moderation", "failed"],
  moderation: ["approved", "rejected"],
  approved: ["rejected"],
  rejected: ["approved"],
  failed: [],
};

export function canMove(from: VideoStatus, to: VideoStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses a video may be in for a move to `to`. */
export function statusesBefore(to: VideoStatus): VideoStatus[] {
  return (Object.keys(NEXT) as VideoStatus[]).filter((from) => canMove(from, to));
}
