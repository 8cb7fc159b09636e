import { videoAccount } from "../../shared/video/account";
import { videoErrors } from "../../shared/video/errors";
import { videoVarSection } from "../../shared/video/vars";
import { videoDecisionRoutes, videoModerationRoutes } from "../api/routes/video-moderation";
import { videoPageRoutes } from "../api/routes/video-pages";
import { videoWebhookRoutes } from "../api/routes/video-webhooks";
import { myVideoRoutes, videoRoutes } from "../api/routes/videos";
import { videoCheckJob } from "../jobs/video-check";
import { videoHousekeepingTask } from "../jobs/video-housekeeping";
import { defineModule, mount } from "../module-manifest";

/** Videos on Stream: uploads, playback, moderation, reports, views, webhooks. */
export const videoModule = defineModule({
  name: "video",
  routes: {
    videos: mount("/v1/videos", videoRoutes),
    decisions: mount("/v1/videos", videoDecisionRoutes),
    myVideos: mount("/v1/me/videos", myVideoRoutes),
    moderation: mount("/v1/moderation", videoModerationRoutes),
    webhooks: mount("/v1/webhooks", videoWebhookRoutes),
    publicPage: mount("/v", videoPageRoutes),
  },
  account: videoAccount,
  jobs: { "video.check": videoCheckJob },
  cron: { "*/5 * * * *": [videoHousekeepingTask] },
  vars: videoVarSection,
  errors: videoErrors,
});
