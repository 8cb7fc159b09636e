import { identityErrors } from "../../shared/identity/errors";
import { identityVarSection } from "../../shared/identity/vars";
import { adminRoutes } from "../api/routes/admin";
import { auth2faRoutes } from "../api/routes/auth-2fa";
import { authEmailRoutes } from "../api/routes/auth-email";
import { authPasskeyRoutes, mePasskeyRoutes } from "../api/routes/auth-passkeys";
import { authPasswordRoutes } from "../api/routes/auth-password";
import { authSessionRoutes } from "../api/routes/auth-sessions";
import { inviteRoutes } from "../api/routes/invites";
import { meRoutes } from "../api/routes/me";
import { identityCleanupTask } from "../jobs/identity-cleanup";
import { passwordForgotJob } from "../jobs/password-forgot";
import { phoneCodeJob } from "../jobs/phone-code";
import { authPhoneRoutes, mePhoneRoutes } from "../api/routes/phone";
import { defineModule, mount } from "../module-manifest";

/** Accounts, sessions, tokens, 2FA, the admin API and the audit log. */
export const identityModule = defineModule({
  name: "identity",
  routes: {
    sessions: mount("/v1/auth", authSessionRoutes),
    twoFactor: mount("/v1/auth", auth2faRoutes),
    email: mount("/v1/auth", authEmailRoutes),
    password: mount("/v1/auth", authPasswordRoutes),
    passkeys: mount("/v1/auth", authPasskeyRoutes),
    myPasskeys: mount("/v1/me", mePasskeyRoutes),
    me: mount("/v1/me", meRoutes),
    myPhone: mount("/v1/me", mePhoneRoutes),
    phone: mount("/v1/auth", authPhoneRoutes),
    admin: mount("/v1/admin", adminRoutes),
    invites: mount("/v1/invites", inviteRoutes),
  },
  jobs: { "password.forgot": passwordForgotJob, "phone.code": phoneCodeJob },
  cron: { "17 3 * * *": [identityCleanupTask] },
  vars: identityVarSection,
  errors: identityErrors,
});
