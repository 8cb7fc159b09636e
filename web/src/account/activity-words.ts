// What the account's activity and connected apps say in words: every kind of security event the
// platform records, every scope an app can hold, the device a user agent names and the place
// Cloudflare saw. test/identity/activity-words.test.ts fails when a kind recorded anywhere in
// shared/ or a scope of shared/oauth/scopes.ts has no words here.

/** Each audit event kind, as the account's owner reads it in "Recent activity". */
export const EVENT_WORDS: Record<string, string> = {
  "user.registered": "Account created",
  "email.verified": "E-mail address confirmed",
  "login.succeeded": "Signed in",
  "login.failed": "Sign-in refused",
  "login.new_device": "Signed in from a new device",
  "login.new_country": "Signed in from a new country",
  "login.mfa_required": "Password accepted, second step asked",
  logout: "Signed out",
  "logout.all": "Signed out everywhere",
  "session.revoked": "A session was ended",
  "sessions.ended_by_admin": "An administrator signed you out everywhere",
  "session.ended_by_admin": "An administrator ended one of your sessions",
  "refresh_token.reused": "A stolen sign-in was stopped: that session was ended",
  "password.changed": "Password changed",
  "password.reset": "Password reset with an e-mailed link",
  "password.reset_requested": "Password reset link requested",
  "password.check_failed": "Wrong password when confirming an action",
  "2fa.enabled": "Two-step verification turned on",
  "2fa.disabled": "Two-step verification turned off",
  "2fa.backup_code_used": "A backup code was used",
  "2fa.reset_by_admin": "An administrator turned off two-step verification",
  "phone.added": "Phone number added",
  "phone.changed": "Phone number changed",
  "phone.removed": "Phone number removed",
  "phone.code_undelivered": "A text message with a code could not be delivered",
  "passkey.added": "Passkey added",
  "passkey.renamed": "Passkey renamed",
  "passkey.deleted": "Passkey deleted",
  "passkey.counter_regressed": "A passkey was refused: it looked copied",
  "oauth.consent_granted": "You let an app use your account",
  "oauth.app_disconnected": "You disconnected an app",
  "account.locked": "Sign-in paused after too many wrong passwords",
  "account.disabled": "Account disabled by an administrator",
  "account.enabled": "Account enabled again by an administrator",
  "account.deleted": "Account deleted",
  "account.deletion_incomplete": "Account deletion did not finish; it is retried",
  "role.changed": "Your role was changed",
  "invite.created": "Invite link created",
  "invite.revoked": "Invite link revoked",
  "company.deleted": "A company was deleted",
  "company.member_added": "Joined a company",
  "company.member_invited": "Invited someone to a company",
  "company.member_left": "Left a company",
  "company.member_removed": "Removed from a company",
  "company.role_changed": "A company role changed",
  "company.verification_requested": "Company verification requested",
  "company.verification_approved": "Company verification approved",
  "company.verification_rejected": "Company verification declined",
  "company.verification_reset": "Company verification withdrawn",
  "video.published": "A video was published",
  "video.deleted": "A video was deleted",
  "video.updated": "A video's details were changed",
  "video.status_changed": "A video's status changed",
  "video.archived": "A video was archived",
  "video.unarchived": "A video was brought back from the archive",
  "video.reviewed": "A video was reviewed by a moderator",
  "moderation.hint_kept": "You kept an upload an AI hint had flagged",
  "video.hidden_by_reports": "A video was hidden after reports",
  "video.revision_approved": "A video's changes were approved",
  "video.revision_rejected": "A video's changes were declined",
  "call.answered": "A call was answered",
  "call.ended": "A call ended",
  "call.quality": "Call quality was reported",
  "studio.generation_cancelled": "A studio picture was cancelled",
  "studio.edit_config_changed": "The studio's editing settings were changed",
  "job.dead_lettered": "A background task gave up after its retries",
};

/** Why a sign-in was refused (login.failed's `reason`). */
const REFUSAL_WORDS: Record<string, string> = {
  wrong_password: "wrong password",
  unknown_email: "no account with that e-mail",
  account_locked: "paused after too many wrong passwords",
  account_disabled: "the account is disabled",
  email_not_verified: "the e-mail address is not confirmed yet",
  wrong_mfa_code: "wrong two-step code",
  unknown_passkey: "a passkey this account does not have",
  passkey_invalid: "the passkey's answer did not check out",
};

/** A role as a sentence names it ("changed to administrator"), not the API's value ("admin"). */
export const ROLE_WORDS: Record<string, string> = { user: "member", moderator: "moderator", admin: "administrator" };

/** The kind in words; a kind this version does not know still reads as words, never as its name. */
export function eventWords(type: string, detail: Record<string, unknown> = {}): string {
  const words = EVENT_WORDS[type] ?? "Something changed on your account";
  const reason = typeof detail.reason === "string" ? REFUSAL_WORDS[detail.reason] : undefined;
  if (type === "login.failed" && reason) return `${words}: ${reason}`;
  if (type === "login.succeeded" && (detail.method === "passkey" || detail.mfa === "passkey")) return "Signed in with a passkey";
  if (type === "login.succeeded" && typeof detail.mfa === "string") return "Signed in with two-step verification";
  if (type === "role.changed" && typeof detail.to === "string") return `Your role was changed to ${ROLE_WORDS[detail.to] ?? "another role"}`;
  return words;
}

/** What each scope lets an app do, as a person reads it beside the app's name. */
export const SCOPE_WORDS: Record<string, string> = {
  openid: "know who you are",
  profile: "see your name and picture",
  email: "see your e-mail address",
  offline_access: "stay connected while you are away",
};

/** "Can know who you are, see your name and picture"; an unknown scope is named as other access. */
export function scopeWords(scopes: readonly string[]): string {
  const known = scopes.filter((scope) => SCOPE_WORDS[scope]).map((scope) => SCOPE_WORDS[scope]!);
  const others = scopes.length - known.length;
  const parts = others > 0 ? [...known, others === 1 ? "one other permission" : `${others} other permissions`] : known;
  return parts.length > 0 ? `Can ${parts.join(", ")}` : "Can only sign you in";
}

const UNKNOWN_DEVICE = "A device that did not say what it is";

/** A user agent's leading name (lower case) and the program it is. */
const PROGRAMS: Record<string, string> = {
  curl: "curl",
  wget: "Wget",
  node: "Node.js",
  undici: "Node.js",
  okhttp: "OkHttp",
  python: "Python",
  "go-http-client": "Go",
};

const PROGRAM_AGENT = new RegExp(`^(${Object.keys(PROGRAMS).join("|")})`, "i");

/** "A program (curl)": a session a script or an app's HTTP library holds, named by that program. */
function programName(userAgent: string): string | null {
  const match = PROGRAM_AGENT.exec(userAgent);
  return match ? `A program (${PROGRAMS[match[1]!.toLowerCase()]})` : null;
}

/** A user agent as a person names their device: "Chrome on Linux", not the whole string. */
export function deviceWords(userAgent: string | null): string {
  if (!userAgent?.trim()) return UNKNOWN_DEVICE;
  const browser = /Edg(e|A|iOS)?\//.test(userAgent)
    ? "Edge"
    : /OPR\/|Opera/.test(userAgent)
      ? "Opera"
      : /SamsungBrowser\//.test(userAgent)
        ? "Samsung Internet"
        : /Firefox\/|FxiOS\//.test(userAgent)
          ? "Firefox"
          : /Chrome\/|CriOS\/|Chromium\//.test(userAgent)
            ? "Chrome"
            : /Safari\//.test(userAgent)
              ? "Safari"
              : programName(userAgent);
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad|iPod/.test(userAgent)
      ? "iOS"
      : /CrOS/.test(userAgent)
        ? "ChromeOS"
        : /Mac OS X|Macintosh/.test(userAgent)
          ? "macOS"
          : /Windows/.test(userAgent)
            ? "Windows"
            : /Linux|X11/.test(userAgent)
              ? "Linux"
              : null;
  if (!browser && !system) return "An unrecognised app or browser";
  if (!browser) return `A browser on ${system}`;
  return system ? `${browser} on ${system}` : browser;
}

function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * "Berlin, Germany" from what Cloudflare told the platform at the time (the event's `country` and
 * `city`), else the address, else words saying it is not known (the local server has no place).
 */
export function placeWords(detail: Record<string, unknown>, ip: string | null): string {
  const city = typeof detail.city === "string" && detail.city ? detail.city : null;
  const country = typeof detail.country === "string" && /^[A-Z]{2}$/.test(detail.country) ? countryName(detail.country) : null;
  const place = [city, country].filter(Boolean).join(", ");
  if (place) return place;
  return ip ? `place not known (address ${ip})` : "place not known";
}
