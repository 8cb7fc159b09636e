import { mediaAccount } from "../../shared/media/account";
import { mediaErrors } from "../../shared/media/errors";
import { mediaVarSection } from "../../shared/media/vars";
import { mediaCleanupTask } from "../jobs/media-cleanup";
import { defineModule, mount } from "../module-manifest";

/** Files, uploads (plain and tus), avatars, the gallery, image variants and signed content URLs. */
export const mediaModule = defineModule({
  name: "media",
  routes: {
    avatar: mount("/v1/me/avatar", async () => (await import("../api/routes/avatar")).avatarRoutes),
    devMedia: mount("/dev/media", async () => (await import("../api/routes/dev-media")).devMediaRoutes),
    files: mount("/v1/files", async () => (await import("../api/routes/files")).fileRoutes),
    uploads: mount("/v1/uploads", async () => (await import("../api/routes/uploads")).uploadRoutes),
    images: mount("/v1/images", async () => (await import("../api/routes/images")).imageRoutes),
    userImages: mount("/v1/users", async () => (await import("../api/routes/images")).userImageRoutes),
    picturePage: mount("/pictures", async () => (await import("../api/routes/picture-pages")).picturePageRoutes),
  },
  account: mediaAccount,
  cron: { "*/5 * * * *": [mediaCleanupTask] },
  vars: mediaVarSection,
  errors: mediaErrors,
});
