import { mediaAccount } from "../../shared/media/account";
import { mediaErrors } from "../../shared/media/errors";
import { mediaVarSection } from "../../shared/media/vars";
import { avatarRoutes } from "../api/routes/avatar";
import { devMediaRoutes } from "../api/routes/dev-media";
import { fileRoutes } from "../api/routes/files";
import { imageRoutes, userImageRoutes } from "../api/routes/images";
import { uploadRoutes } from "../api/routes/uploads";
import { mediaCleanupTask } from "../jobs/media-cleanup";
import { defineModule, mount } from "../module-manifest";

/** Files, uploads (plain and tus), avatars, the gallery, image variants and signed content URLs. */
export const mediaModule = defineModule({
  name: "media",
  routes: {
    avatar: mount("/v1/me/avatar", avatarRoutes),
    devMedia: mount("/dev/media", devMediaRoutes),
    files: mount("/v1/files", fileRoutes),
    uploads: mount("/v1/uploads", uploadRoutes),
    images: mount("/v1/images", imageRoutes),
    userImages: mount("/v1/users", userImageRoutes),
  },
  account: mediaAccount,
  cron: { "*/5 * * * *": [mediaCleanupTask] },
  vars: mediaVarSection,
  errors: mediaErrors,
});
