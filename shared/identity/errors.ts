import { defineErrors } from "../http/errors";

/** The error codes of registration, login, sessions, tokens, 2FA and the admin API. */
export const identityErrors = defineErrors({
  invalid_token: {
    status: [400, 401],
    description:
      "401: the access token is malformed, expired, tampered or foreign. 400: an e-mailed link (verification, password reset) is invalid, expired or already used.",
  },
  session_revoked: { status: 401, description: "The token is valid but its session ended (logout, revocation, password reset, disabled user); log in again." },
  invalid_credentials: { status: 401, description: "E-mail or password is wrong (unknown e-mail and wrong password answer alike)." },
  invalid_refresh_token: { status: 401, description: "The refresh token is unknown, expired, or its session ended." },
  token_reused: { status: 401, description: "A spent refresh token was presented after the grace window: the session has been revoked." },
  mfa_required: {
    status: 401,
    description:
      "The password was right and the account has 2FA: finish with POST /v1/auth/login/mfa (or a passkey: POST /v1/auth/passkeys/login/options and /verify) and the problem's `mfaToken`; `secondFactors` lists what the account has.",
  },
  invalid_mfa_token: { status: 401, description: "The `mfaToken` expired or was already spent; log in again." },
  invalid_mfa_code: { status: 401, description: "The TOTP or backup code is wrong, expired or already used." },
  invalid_ticket: { status: 401, description: "The socket `ticket` is invalid, expired or already used." },
  account_disabled: { status: 403, description: "An admin disabled this account." },
  email_not_verified: { status: 403, description: "The action (or login, with REQUIRE_VERIFIED_EMAIL_FOR_LOGIN) needs a verified e-mail address." },
  invalid_password: { status: 403, description: "The current password confirming a sensitive change is wrong (counted by the password-check limit)." },
  invalid_invite: { status: 403, description: "The invite code is invalid, expired, revoked or used up." },
  invite_required: { status: 400, description: "Registration is invite-only and no `inviteCode` was sent." },
  weak_password: { status: 400, description: "The password is too short, too long, too common, or the e-mail or name." },
  invalid_code: { status: 400, description: "The TOTP code that should turn 2FA on is wrong or expired." },
  email_taken: { status: 409, description: "An account with this e-mail address exists." },
  email_already_verified: { status: 409, description: "The address is verified already; no link is sent." },
  totp_already_enabled: { status: 409, description: "2FA is on already; turn it off first." },
  totp_not_set_up: { status: 409, description: "Enable was called before /2fa/totp/setup." },
  totp_not_enabled: { status: 409, description: "2FA is not on for this user." },
  last_admin: { status: 409, description: "The last active admin cannot be demoted or deleted." },
  cannot_disable_self: { status: 409, description: "Admins cannot disable their own account." },
  invite_already_revoked: { status: 409, description: "The invite code was revoked already." },
  invalid_challenge: {
    status: 400,
    description:
      "The WebAuthn response answers no outstanding challenge: unknown, expired (5 minutes), already used, or issued for another ceremony; ask for new options.",
  },
  invalid_webauthn_response: {
    status: 400,
    description: "The WebAuthn response is malformed or does not verify (origin, relying-party id, signature, user verification).",
  },
  invalid_passkey: {
    status: 401,
    description: "Passkey sign-in failed: the credential is unknown, its signature does not verify, or its counter went backwards (a cloned authenticator).",
  },
  passkey_exists: { status: 409, description: "This authenticator's credential is registered already." },
  too_many_passkeys: { status: 409, description: "The account has the most passkeys allowed (20); delete one first." },
  no_passkeys: { status: 409, description: "The account has no passkey to use as a second factor." },
  admin_network_forbidden: { status: 403, description: "ADMIN_ALLOWED_CIDRS is set and the request's address (CF-Connecting-IP) is outside it." },
  invalid_phone: {
    status: 400,
    description:
      "The phone number does not parse as a valid number: give it with `+country` (E.164), or a `region` (or PHONE_DEFAULT_REGION) for a national one.",
  },
  invalid_phone_code: {
    status: [400, 401],
    description:
      "The SMS code is wrong, expired (10 minutes), already used or out of tries (5 per code), or the number has no account (answered alike). 401 on phone sign-in, 400 elsewhere.",
  },
  phone_taken: { status: 409, description: "The number is confirmed on another account; it must be removed there first." },
  phone_already_confirmed: { status: 409, description: "The number is the account's confirmed number already; no code is sent." },
  phone_sign_in_disabled: { status: 404, description: "Phone sign-in is off on this deployment (PHONE_SIGN_IN)." },
  sms_unavailable: { status: 503, description: "No SMS provider is configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SMS_FROM), so no code can be sent." },
  invites_admins_only: { status: 403, description: "This deployment lets only admins create invite links (`INVITES_BY=admins`)." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    identity: typeof identityErrors;
  }
}
