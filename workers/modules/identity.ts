import { identityErrors } from "../../shared/identity/errors";
import { identityVarSection } from "../../shared/identity/vars";
import { identityCleanupTask } from "../jobs/identity-cleanup";
import { passwordForgotJob } from "../jobs/password-forgot";
import { phoneCodeJob } from "../jobs/phone-code";
import { defineModule, mount } from "../module-manifest";

/** Accounts, sessions, tokens, 2FA, the admin API and the audit log. */
export const identityModule = defineModule({
  name: "identity",
  routes: {
    sessions: mount("/v1/auth", async () => (await import("../api/routes/auth-sessions")).authSessionRoutes),
    twoFactor: mount("/v1/auth", async () => (await import("../api/routes/auth-2fa")).auth2faRoutes),
    email: mount("/v1/auth", async () => (await import("../api/routes/auth-email")).authEmailRoutes),
    password: mount("/v1/auth", async () => (await import("../api/routes/auth-password")).authPasswordRoutes),
    passkeys: mount("/v1/auth", async () => (await import("../api/routes/auth-passkeys")).authPasskeyRoutes),
    myPasskeys: mount("/v1/me", async () => (await import("../api/routes/auth-passkeys")).mePasskeyRoutes),
    me: mount("/v1/me", async () => (await import("../api/routes/me")).meRoutes),
    myPhone: mount("/v1/me", async () => (await import("../api/routes/phone")).mePhoneRoutes),
    phone: mount("/v1/auth", async () => (await import("../api/routes/phone")).authPhoneRoutes),
    admin: mount("/v1/admin", async () => (await import("../api/routes/admin")).adminRoutes),
    invites: mount("/v1/invites", async () => (await import("../api/routes/invites")).inviteRoutes),
  },
  jobs: { "password.forgot": passwordForgotJob, "phone.code": phoneCodeJob },
  cron: { "17 3 * * *": [identityCleanupTask] },
  vars: identityVarSection,
  errors: identityErrors,
});
