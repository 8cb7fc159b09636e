import { platformErrors } from "../../shared/platform/errors";
import { platformVarSection } from "../../shared/platform/vars";
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
    system: mount("/", async () => (await import("../api/routes/system")).systemRoutes),
    dev: mount("/dev", async () => (await import("../api/routes/dev")).devRoutes),
    webApp: mount("/", async () => (await import("../api/routes/web-app")).webAppRoutes),
    backup: mount("/v1/admin", async () => (await import("../api/routes/backup")).backupRoutes),
  },
  jobs: { noop: async () => {} },
  vars: platformVarSection,
  errors: platformErrors,
});
