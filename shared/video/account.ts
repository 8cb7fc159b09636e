import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { reportView, videoView } from "./model";
import { forgetUserVideoQueries, listAllOwnVideos, listReportsBy } from "./records";

/** Video's part of an account: videos and reports in the export; on deletion the rows go in the batch, then the videos at Stream. */
export const videoAccount: AccountModule = {
  name: "video",
  exportData: async (deps, userId) => {
    const db = deps.db;
    const [videos, reports] = await Promise.all([listAllOwnVideos(db, userId), listReportsBy(db, userId)]);
    return { videos: videos.map(videoView), reports: reports.map(reportView) };
  },
  onDelete: async (deps, userId) => {
    const db = deps.db;
    const videos = await listAllOwnVideos(db, userId);
    return {
      statements: toD1Statements(db, forgetUserVideoQueries(db, userId)),
      afterwards: async () => {
        const host = deps.videoHost;
        for (const video of videos) {
          try {
            if (video.streamUid && host) await host.delete(video.streamUid);
            await deps.objects.videoViews(video.id).forget();
          } catch (error) {
            deps.log("error", "video of a deleted account not removed from Stream", { videoId: video.id, streamUid: video.streamUid, error: String(error) });
          }
        }
      },
    };
  },
};
