import { customVar, defineVars, flagVar, numberOrVar, optionalTextVar, type ParsedVars, rateLimitVar, textVar, varSection } from "../var-declarations";
import { z } from "zod";
import { parseAllowList } from "./admin/network-allow-list";

export const DEFAULT_JWT_ISSUER = "http://localhost:8787";

/** The vars of registration, tokens, sessions, lockout and 2FA. */
export const identityVars = defineVars({
  JWT_ISSUER: textVar(DEFAULT_JWT_ISSUER, { description: "The `iss` of access tokens: the public URL of the API." }),
  JWT_AUDIENCE: textVar("edge-platform", { description: "The `aud` of access tokens." }),
  JWT_SIGNING_KEYS: optionalTextVar(
    {
      description:
        "JSON array of ES256 JWKs with `kid`: the first private key signs, every key verifies and is published at /.well-known/jwks.json. `npm run dev` generates one into .dev.vars.",
      secret: true,
    },
    "JSON",
  ),
  ACCESS_TOKEN_TTL_SECONDS: numberOrVar(900, { description: "Lifetime of an access token." }, "seconds"),
  REFRESH_TOKEN_TTL_SECONDS: numberOrVar(30 * 86400, { description: "Lifetime of a refresh token (and of an idle session)." }, "seconds"),
  REFRESH_REUSE_GRACE_SECONDS: numberOrVar(
    20,
    { description: "How long a spent refresh token still yields its successor (tabs racing) before reuse revokes the session." },
    "seconds",
  ),
  REGISTRATION_MODE: optionalTextVar({
    description: "`open` (or unset): anyone may register. Anything else, e.g. `invite`: registration needs an invite code.",
  }),
  // A typo must not let every member invite: anything but "members" keeps invites to admins.
  INVITES_BY: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value): "members" | "admins" => (["", "members"].includes((value ?? "").trim().toLowerCase()) ? "members" : "admins")),
    "members/admins",
    {
      description:
        "Who creates invite links (`POST /v1/invites`): `members` (the default: any member invites family and friends, within `RATE_LIMIT_INVITES_PER_USER`) or `admins` (any other value).",
    },
  ),
  RATE_LIMIT_INVITES_PER_USER: rateLimitVar({ limit: 10, windowSeconds: 86400 }, { description: "Invite links one member may create." }),
  BOOTSTRAP_ADMIN_EMAIL: textVar("", { description: "Whoever registers with this e-mail becomes admin (how the first admin is made)." }),
  RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: rateLimitVar(
    { limit: 10, windowSeconds: 900 },
    { description: "Failed logins per e-mail address (the lockout streak is counted beside it)." },
  ),
  RATE_LIMIT_LOGIN_PER_IP: rateLimitVar({ limit: 60, windowSeconds: 300 }, { description: "Login attempts per IP." }),
  RATE_LIMIT_REGISTER_PER_IP: rateLimitVar({ limit: 30, windowSeconds: 300 }, { description: "Registrations per IP." }),
  RATE_LIMIT_EMAIL_VERIFICATION_PER_USER: rateLimitVar({ limit: 5, windowSeconds: 3600 }, { description: "Verification mails one user may ask for." }),
  RATE_LIMIT_PASSWORD_FORGOT_PER_IP: rateLimitVar({ limit: 20, windowSeconds: 3600 }, { description: "Password-reset requests per IP." }),
  RATE_LIMIT_PASSWORD_RESET_MAILS_PER_ADDRESS: rateLimitVar({ limit: 3, windowSeconds: 3600 }, { description: "Password-reset mails one address receives." }),
  RATE_LIMIT_PASSWORD_CHECKS_PER_USER: rateLimitVar(
    { limit: 10, windowSeconds: 900 },
    { description: "Wrong current passwords confirming a sensitive change, per user." },
  ),
  RATE_LIMIT_MFA_FAILURES_PER_USER: rateLimitVar(
    { limit: 5, windowSeconds: 300 },
    { description: "Wrong 2FA codes (and failed passkey second factors) per user." },
  ),
  RATE_LIMIT_PASSKEY_FAILURES_PER_USER: rateLimitVar(
    { limit: 10, windowSeconds: 900 },
    { description: "Failed passkey sign-ins per account (each attempt holds a slot while it is verified)." },
  ),
  ADMIN_ALLOWED_CIDRS: customVar(() => z.string().optional().transform(parseAllowList), "comma list of CIDRs", {
    description:
      "Networks the admin API (`/v1/admin/*`) answers, e.g. `203.0.113.0/24,2001:db8::/32` (a bare address is one host); the client address is `CF-Connecting-IP`. Others get `403 admin_network_forbidden`. Unset: no restriction. An entry that does not parse admits nobody.",
  }),
  PASSKEY_RP_ID: optionalTextVar({
    description:
      "The WebAuthn relying-party id passkeys are bound to: a registrable domain the web app and the hosted pages are on. Default: the host name of APP_BASE_URL (else JWT_ISSUER). Changing it makes every registered passkey unusable.",
  }),
  PASSKEY_RP_NAME: optionalTextVar({ description: "The name browsers show when a passkey is created. Default: the host of APP_BASE_URL (else JWT_ISSUER)." }),
  // A typo must not silently weaken revocation: anything but "replica" reads the primary.
  AUTH_SESSION_READS: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value): "primary" | "replica" => ((value ?? "").trim().toLowerCase() === "replica" ? "replica" : "primary")),
    "primary/replica",
    {
      description:
        "Where the per-request session check reads: `primary` (revocation at once) or `replica` (nearer, revocation seen once replicated); see docs/latency.md.",
    },
  ),
  REPLICA_MAX_LAG_MS: numberOrVar(
    2000,
    {
      description:
        "With `AUTH_SESSION_READS=replica`: past this measured replica lag the session check reads the primary again (also while the lag is unmeasured); see docs/latency.md#replica-lag.",
    },
    "milliseconds",
  ),
  REPLICA_LAG_PROBE_SECONDS: numberOrVar(
    10,
    {
      description:
        "With `AUTH_SESSION_READS=replica`: how often each isolate measures the replica lag (one heartbeat read on the primary and the replica, one write).",
    },
    "seconds",
  ),
  PHONE_SIGN_IN: flagVar(false, {
    description:
      "`true`: people sign in with their confirmed phone number and a one-time SMS code (a passwordless first factor; 2FA, lockout and the verified-e-mail rule still apply). Adding a phone and resetting a password by SMS work either way.",
  }),
  PHONE_DEFAULT_REGION: optionalTextVar({
    description:
      "ISO 3166 country (e.g. `US`, `DE`) for phone numbers typed without `+country`, when the request names no `region`. Unset: such numbers are refused (`invalid_phone`).",
  }),
  SMS_FROM: optionalTextVar({ description: "The sender of SMS codes: a Twilio number in E.164 (`+15005550006`) or a Messaging Service SID (`MG…`)." }),
  TWILIO_ACCOUNT_SID: optionalTextVar({ description: "The Twilio account SID (`AC…`) SMS codes are sent through; with TWILIO_AUTH_TOKEN and SMS_FROM." }),
  TWILIO_AUTH_TOKEN: optionalTextVar({ description: "The Twilio auth token (Basic auth password of the Messages API).", secret: true }),
  TWILIO_API_BASE_URL: textVar("https://api.twilio.com", { description: "Base URL of Twilio's REST API (a Twilio-compatible provider or a test double)." }),
  RATE_LIMIT_SMS_PER_NUMBER: rateLimitVar({ limit: 5, windowSeconds: 3600 }, { description: "SMS codes one phone number receives." }),
  RATE_LIMIT_SMS_PER_IP: rateLimitVar(
    { limit: 20, windowSeconds: 3600 },
    { description: "SMS code requests (adding a phone, phone sign-in, phone reset) per IP." },
  ),
  RATE_LIMIT_PHONE_CODE_CHECKS_PER_IP: rateLimitVar({ limit: 30, windowSeconds: 900 }, { description: "SMS codes checked (sign-in, reset) per IP." }),
  REQUIRE_VERIFIED_EMAIL_FOR_LOGIN: flagVar(false, {
    description: "`true`: accounts without a verified e-mail cannot log in, and registration answers alike for new and known addresses.",
  }),
  VERIFIED_EMAIL_REQUIRED_FOR: customVar(
    () =>
      z
        .string()
        .optional()
        .transform(
          (value) =>
            new Set(
              (value ?? "")
                .split(",")
                .map((item) => item.trim())
                .filter(Boolean),
            ),
        ),
    "comma list",
    { description: "Actions that need a verified e-mail, e.g. `totp.setup,data.export`." },
  ),
});

function urlOrNull(text: string | undefined): URL | null {
  try {
    return text ? new URL(text) : null;
  } catch {
    return null;
  }
}

/**
 * Passkeys are bound to one relying-party id and checked against the origins the ceremonies may
 * run on: the web app (APP_BASE_URL) and the hosted sign-in pages (JWT_ISSUER), which may differ.
 */
function passkeyConfig(v: ParsedVars) {
  const app = urlOrNull(v.APP_BASE_URL) ?? urlOrNull(v.JWT_ISSUER) ?? new URL(DEFAULT_JWT_ISSUER);
  const issuer = urlOrNull(v.JWT_ISSUER);
  const origins = [...new Set([app.origin, ...(issuer ? [issuer.origin] : [])])];
  return { rpId: v.PASSKEY_RP_ID?.trim() || app.hostname, rpName: v.PASSKEY_RP_NAME?.trim() || app.host, origins };
}

function identityConfig(v: ParsedVars) {
  return {
    passkeys: passkeyConfig(v),
    /** null: the admin API answers every network. */
    adminNetwork: { allowList: v.ADMIN_ALLOWED_CIDRS },
    jwt: { issuer: v.JWT_ISSUER, audience: v.JWT_AUDIENCE, signingKeys: v.JWT_SIGNING_KEYS },
    tokens: {
      accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlMs: v.REFRESH_TOKEN_TTL_SECONDS * 1000,
      refreshReuseGraceMs: v.REFRESH_REUSE_GRACE_SECONDS * 1000,
    },
    registration: {
      /** Open only when unset or "open": a misspelt mode closes registration rather than silently opening it. */
      inviteOnly: v.REGISTRATION_MODE !== undefined && v.REGISTRATION_MODE.trim() !== "" && v.REGISTRATION_MODE.trim() !== "open",
      bootstrapAdminEmail: v.BOOTSTRAP_ADMIN_EMAIL,
      invitesBy: v.INVITES_BY,
    },
    /** Where the per-request session check reads (docs/latency.md). */
    auth: {
      sessionReads: v.AUTH_SESSION_READS,
      replica: { maxLagMs: v.REPLICA_MAX_LAG_MS, probeIntervalMs: v.REPLICA_LAG_PROBE_SECONDS * 1000 },
    },
    rateLimits: {
      loginFailuresPerEmail: v.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL,
      loginPerIp: v.RATE_LIMIT_LOGIN_PER_IP,
      registerPerIp: v.RATE_LIMIT_REGISTER_PER_IP,
      emailVerificationPerUser: v.RATE_LIMIT_EMAIL_VERIFICATION_PER_USER,
      passwordForgotPerIp: v.RATE_LIMIT_PASSWORD_FORGOT_PER_IP,
      passwordResetMailsPerAddress: v.RATE_LIMIT_PASSWORD_RESET_MAILS_PER_ADDRESS,
      passwordChecksPerUser: v.RATE_LIMIT_PASSWORD_CHECKS_PER_USER,
      mfaFailuresPerUser: v.RATE_LIMIT_MFA_FAILURES_PER_USER,
      passkeyFailuresPerUser: v.RATE_LIMIT_PASSKEY_FAILURES_PER_USER,
      invitesPerUser: v.RATE_LIMIT_INVITES_PER_USER,
    },
    phone: {
      signInEnabled: v.PHONE_SIGN_IN,
      defaultRegion: v.PHONE_DEFAULT_REGION?.trim().toUpperCase() || null,
      /** Twilio's Messages API when the account, token and sender are all set; null otherwise (production cannot send SMS). */
      twilio:
        v.TWILIO_ACCOUNT_SID && v.TWILIO_AUTH_TOKEN && v.SMS_FROM
          ? {
              accountSid: v.TWILIO_ACCOUNT_SID.trim(),
              authToken: v.TWILIO_AUTH_TOKEN.trim(),
              from: v.SMS_FROM.trim(),
              baseUrl: v.TWILIO_API_BASE_URL.replace(/\/+$/, ""),
            }
          : null,
      smsPerNumber: v.RATE_LIMIT_SMS_PER_NUMBER,
      smsPerIp: v.RATE_LIMIT_SMS_PER_IP,
      codeChecksPerIp: v.RATE_LIMIT_PHONE_CODE_CHECKS_PER_IP,
    },
    verifiedEmail: { requiredForLogin: v.REQUIRE_VERIFIED_EMAIL_FOR_LOGIN, requiredFor: v.VERIFIED_EMAIL_REQUIRED_FOR },
  };
}

export const identityVarSection = varSection("identity", identityVars, identityConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    identity: typeof identityVars;
  }
  interface ConfigSections {
    identity: ReturnType<typeof identityConfig>;
  }
}
