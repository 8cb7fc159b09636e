import { oauthAccount } from "../../shared/oauth/connected-apps";
import { oauthErrors } from "../../shared/oauth/errors";
import { oauthVarSection } from "../../shared/oauth/vars";
import { backchannelLogoutJob, backchannelLogoutTask } from "../jobs/oauth-backchannel-logout";
import { oauthCleanupTask } from "../jobs/oauth-cleanup";
import { defineModule, mount } from "../module-manifest";

/** The OpenID Connect provider: clients, consent, codes, app tokens bound to platform sessions (docs/sso.md). */
export const oauthModule = defineModule({
  name: "oauth",
  routes: {
    protocol: mount("/", async () => (await import("../api/routes/oauth")).oauthRoutes),
    connectedApps: mount("/v1/me/connected-apps", async () => (await import("../api/routes/connected-apps")).connectedAppRoutes),
    admin: mount("/v1/admin/oauth", async () => (await import("../api/routes/oauth-admin")).oauthAdminRoutes),
  },
  account: oauthAccount,
  jobs: { "oauth.backchannel_logout": backchannelLogoutJob },
  cron: { "17 3 * * *": [oauthCleanupTask], "* * * * *": [backchannelLogoutTask] },
  vars: oauthVarSection,
  errors: oauthErrors,
});
