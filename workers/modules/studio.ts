import { studioAccount } from "../../shared/studio/account";
import { studioErrors } from "../../shared/studio/errors";
import { studioVarSection } from "../../shared/studio/vars";
import { studioExportRoutes } from "../api/routes/studio-export";
import { studioGenerationRoutes } from "../api/routes/studio-generation";
import { studioLibraryRoutes } from "../api/routes/studio-library";
import { studioModelRoutes } from "../api/routes/studio-models";
import { studioSharingRoutes } from "../api/routes/studio-sharing";
import { studioRetentionTask } from "../jobs/studio-retention";
import { studioGenerationDeadLetter, studioGenerationJob, studioGenerationSweepTask } from "../jobs/studio-generation";
import { defineModule, mount } from "../module-manifest";

/** The studio: library, sharing, export, AI providers and models, generation. */
export const studioModule = defineModule({
  name: "studio",
  routes: {
    library: mount("/v1/studio", studioLibraryRoutes),
    sharing: mount("/v1/studio", studioSharingRoutes),
    export: mount("/v1/studio", studioExportRoutes),
    models: mount("/v1/studio", studioModelRoutes),
    generation: mount("/v1/studio", studioGenerationRoutes),
  },
  account: studioAccount,
  jobs: { "studio.generation": studioGenerationJob },
  deadLetters: { "studio.generation": studioGenerationDeadLetter },
  cron: { "*/5 * * * *": [studioRetentionTask, studioGenerationSweepTask] },
  vars: studioVarSection,
  errors: studioErrors,
});
