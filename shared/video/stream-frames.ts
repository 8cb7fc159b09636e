import { ApiError, conflict } from "../http/errors";
import type { VideoRecord } from "./records";
import type { VideoDeps } from "./video-changes";
import { hostFailed, requireHost } from "./video-host-of";

/**
 * Makes a frame (a fraction of the duration) the video's thumbnail at Stream; returns Stream's
 * thumbnail URL after it. Stream failing is `503` and nothing is recorded.
 */
export async function chooseStreamFrame(deps: VideoDeps, video: Pick<VideoRecord, "streamUid">, pct: number): Promise<string | undefined> {
  if (!video.streamUid) throw conflict("not_uploaded", "A frame can be chosen once the video is uploaded");
  try {
    await requireHost(deps.host).update(video.streamUid, { thumbnailTimestampPct: pct });
    const hosted = await requireHost(deps.host).details(video.streamUid);
    return hosted?.thumbnailUrl ?? undefined;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw hostFailed(error);
  }
}
