import { oauthAccount } from "../../shared/oauth/connected-apps";
import { oauthErrors } from "../../shared/oauth/errors";
import { oauthVarSection } from "../../shared/oauth/vars";
import { connectedAppRoutes } from "../api/routes/connected-apps";
import { oauthRoutes } from "../api/routes/oauth";
import { oauthAdminRoutes } from "../api/routes/oauth-admin";
import { backchannelLogoutJob, backchannelLogoutTask } from "../jobs/oauth-backchannel-logout";
import { oauthCleanupTask } from "../jobs/oauth-cleanup";
import { defineModule, mount } from "../module-manifest";

/** The OpenID Connect provider: clients, consent, codes, app tokens bound to platform sessions (docs/sso.md). */
export const oauthModule = defineModule({
  name: "oauth",
  routes: {
    protocol: mount("/", oauthRoutes),
    connectedApps: mount("/v1/me/connected-apps", connectedAppRoutes),
    admin: mount("/v1/admin/oauth", oauthAdminRoutes),
  },
  account: oauthAccount,
  jobs: { "oauth.backchannel_logout": backchannelLogoutJob },
  cron: { "17 3 * * *": [oauthCleanupTask], "* * * * *": [backchannelLogoutTask] },
  vars: oauthVarSection,
  errors: oauthErrors,
});
