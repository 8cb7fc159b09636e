import { ApiError, conflict } from "../http/errors";
import type { VideoRecord } from "./records";

import { hostFailed, requireHost } from "./video-host-of";
import type { Deps } from "../platform/deps-types";

/**
 * Makes a frame (a fraction of the duration) the video's thumbnail at Stream; returns Stream's
 * thumbnail URL after it. Stream failing is `503` and nothing is recorded.
 */
export async function chooseStreamFrame(deps: Deps, video: Pick<VideoRecord, "streamUid">, pct: number): Promise<string | undefined> {
  if (!video.streamUid) throw conflict("not_uploaded", "A frame can be chosen once the video is uploaded");
  try {
    await requireHost(deps.videoHost).update(video.streamUid, { thumbnailTimestampPct: pct });
    const hosted = await requireHost(deps.videoHost).details(video.streamUid);
    return hosted?.thumbnailUrl ?? undefined;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw hostFailed(error);
  }
}
