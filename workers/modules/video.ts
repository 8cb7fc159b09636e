import { videoAccount } from "../../shared/video/account";
import { videoErrors } from "../../shared/video/errors";
import { videoVarSection } from "../../shared/video/vars";
import { videoCaptionsDeadLetter, videoCaptionsJob } from "../jobs/video-captions";
import { videoCheckJob } from "../jobs/video-check";
import { videoHousekeepingTask } from "../jobs/video-housekeeping";
import { defineModule, mount } from "../module-manifest";

/** Videos on Stream: uploads, playback, moderation, reports, views, webhooks. */
export const videoModule = defineModule({
  name: "video",
  routes: {
    videos: mount("/v1/videos", async () => (await import("../api/routes/videos")).videoRoutes),
    decisions: mount("/v1/videos", async () => (await import("../api/routes/video-moderation")).videoDecisionRoutes),
    myVideos: mount("/v1/me/videos", async () => (await import("../api/routes/videos")).myVideoRoutes),
    captions: mount("/v1/videos", async () => (await import("../api/routes/video-captions")).videoCaptionRoutes),
    moderation: mount("/v1/moderation", async () => (await import("../api/routes/video-moderation")).videoModerationRoutes),
    webhooks: mount("/v1/webhooks", async () => (await import("../api/routes/video-webhooks")).videoWebhookRoutes),
    publicPage: mount("/v", async () => (await import("../api/routes/video-pages")).videoPageRoutes),
  },
  account: videoAccount,
  jobs: { "video.check": videoCheckJob, "video.captions": videoCaptionsJob },
  deadLetters: { "video.captions": videoCaptionsDeadLetter },
  cron: { "*/5 * * * *": [videoHousekeepingTask] },
  vars: videoVarSection,
  errors: videoErrors,
});
