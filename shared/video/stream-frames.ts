import { conflict } from "../http/errors";
import type { VideoRecord } from "./records";

import { requireHost } from "./video-host-of";
import type { Deps } from "../platform/deps-types";

/**
 * Makes a frame (a fraction of the duration) the video's thumbnail at Stream; returns Stream's
 * thumbnail URL after it. Stream failing is `503` and nothing is recorded.
 */
export async function chooseStreamFrame(deps: Deps, video: Pick<VideoRecord, "streamUid">, pct: number): Promise<string | undefined> {
  if (!video.streamUid) throw conflict("not_uploaded", "A frame can be chosen once the video is uploaded");
  const host = requireHost(deps.videoHost);
  await host.update(video.streamUid, { thumbnailTimestampPct: pct });
  const hosted = await host.details(video.streamUid);
  return hosted?.thumbnailUrl ?? undefined;
}
