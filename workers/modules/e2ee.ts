import { e2eeAccount } from "../../shared/e2ee/account";
import { e2eeErrors } from "../../shared/e2ee/errors";
import { e2eeVarSection } from "../../shared/e2ee/vars";
import { defineModule, mount } from "../module-manifest";

/** End-to-end encryption (MLS): devices, key packages, key backups (docs/e2ee.md). */
export const e2eeModule = defineModule({
  name: "e2ee",
  routes: { e2ee: mount("/v1", async () => (await import("../api/routes/e2ee")).e2eeRoutes) },
  account: e2eeAccount,
  vars: e2eeVarSection,
  errors: e2eeErrors,
});
