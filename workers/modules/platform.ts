import { platformErrors } from "../../shared/platform/errors";
import { platformVarSection } from "../../shared/platform/vars";
import { backupRoutes } from "../api/routes/backup";
import { devRoutes } from "../api/routes/dev";
import { systemRoutes } from "../api/routes/system";
import { webAppRoutes } from "../api/routes/web-app";
import { defineModule, mount } from "../module-manifest";

/**
 * Health and readiness, the development routes, the web app's deep links, backup and restore
 * (docs/operations.md), problem+json errors, CORS and body limits. The
 * docs router (/openapi.json, /asyncapi.json, /docs) is not listed: it serves the document of
 * the finished app, so app.ts builds it from the app and mounts it last.
 */
export const platformModule = defineModule({
  name: "platform",
  routes: {
    system: mount("/", systemRoutes),
    dev: mount("/dev", devRoutes),
    webApp: mount("/", webAppRoutes),
    backup: mount("/v1/admin", backupRoutes),
  },
  jobs: { noop: async () => {} },
  vars: platformVarSection,
  errors: platformErrors,
});
