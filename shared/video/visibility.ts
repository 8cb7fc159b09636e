import type { VideoRecord } from "./records";

export interface Viewer {
  userId: string;
  role: "user" | "moderator" | "admin";
}

export const isModerator = (viewer: Pick<Viewer, "role"> | null): boolean => viewer?.role === "moderator" || viewer?.role === "admin";

type VisibilityFields = Pick<VideoRecord, "status" | "isPublic" | "archived" | "hiddenByReports" | "publishAt">;

/** Approved, public, published (publishAt passed or unset), not archived, not hidden by reports. */
export function isVisibleToEveryone(video: VisibilityFields, now: number): boolean {
  return (
    video.status === "approved" && video.isPublic && !video.archived && !video.hiddenByReports && (video.publishAt === null || video.publishAt.getTime() <= now)
  );
}

/** The owner and moderators see every video; anyone else only what is visible to everyone. */
export function canSee(video: VisibilityFields & Pick<VideoRecord, "ownerId">, viewer: Viewer | null, now: number): boolean {
  return isVisibleToEveryone(video, now) || viewer?.userId === video.ownerId || isModerator(viewer);
}
