import { studioAccount } from "../../shared/studio/account";
import { studioErrors } from "../../shared/studio/errors";
import { studioVarSection } from "../../shared/studio/vars";
import { studioRetentionTask } from "../jobs/studio-retention";
import { studioGenerationDeadLetter, studioGenerationJob, studioGenerationSweepTask } from "../jobs/studio-generation";
import { defineModule, mount } from "../module-manifest";

/** The studio: library, sharing, export, AI providers and models, generation. */
export const studioModule = defineModule({
  name: "studio",
  routes: {
    library: mount("/v1/studio", async () => (await import("../api/routes/studio-library")).studioLibraryRoutes),
    sharing: mount("/v1/studio", async () => (await import("../api/routes/studio-sharing")).studioSharingRoutes),
    export: mount("/v1/studio", async () => (await import("../api/routes/studio-export")).studioExportRoutes),
    models: mount("/v1/studio", async () => (await import("../api/routes/studio-models")).studioModelRoutes),
    generation: mount("/v1/studio", async () => (await import("../api/routes/studio-generation")).studioGenerationRoutes),
    administration: mount("/v1/admin/studio", async () => (await import("../api/routes/studio-admin")).studioAdminRoutes),
    sharePage: mount("/studio/shared", async () => (await import("../api/routes/studio-share-page")).studioSharePageRoutes),
  },
  account: studioAccount,
  jobs: { "studio.generation": studioGenerationJob },
  deadLetters: { "studio.generation": studioGenerationDeadLetter },
  cron: { "*/5 * * * *": [studioRetentionTask, studioGenerationSweepTask] },
  vars: studioVarSection,
  errors: studioErrors,
});
