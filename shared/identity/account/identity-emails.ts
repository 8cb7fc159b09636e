import type { Deps } from "../../platform/deps-types";
import type { OutgoingEmail } from "../../email/sender";
import { PRODUCT_NAME } from "../../product";

function link(deps: Deps, path: string, token: string): string {
  return `${deps.config.email.linkBase}${path}?token=${encodeURIComponent(token)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function compose(to: string, subject: string, lines: string[], action?: { label: string; url: string }): OutgoingEmail {
  const text = [...lines, ...(action ? ["", `${action.label}: ${action.url}`] : []), "", `— ${PRODUCT_NAME}`].join("\n");
  const html = [
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...(action ? [`<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`] : []),
    `<p>— ${escapeHtml(PRODUCT_NAME)}</p>`,
  ].join("\n");
  return { to, subject, text, html };
}

export function verificationEmail(deps: Deps, to: string, token: string): OutgoingEmail {
  return compose(
    to,
    "Confirm your e-mail address",
    ["Please confirm that this is your e-mail address. The link is valid for 24 hours.", "If you did not create an account, ignore this e-mail."],
    { label: "Confirm e-mail", url: link(deps, "/verify-email", token) },
  );
}

export function passwordResetEmail(deps: Deps, to: string, token: string): OutgoingEmail {
  return compose(
    to,
    "Reset your password",
    [
      "Someone asked to reset the password of your account. The link is valid for 30 minutes and works once.",
      "If it was not you, ignore this e-mail: your password stays as it is.",
    ],
    { label: "Choose a new password", url: link(deps, "/reset-password", token) },
  );
}

export function passwordChangedEmail(to: string, how: "changed" | "reset"): OutgoingEmail {
  return compose(to, `Your password was ${how}`, [
    `The password of your account was ${how} just now and your other sessions were ended.`,
    "If this was not you, reset your password at once.",
  ]);
}

export interface SignInNotice {
  userAgent: string | null;
  ip: string | null;
  /** "Paris, France", or null when Cloudflare did not say. */
  place: string | null;
  newDevice: boolean;
  newCountry: boolean;
  at: Date;
}

/** The notice of a sign-in from a device, or a country, never seen for the account. */
export function newDeviceEmail(to: string, notice: SignInNotice): OutgoingEmail {
  const what = [notice.newDevice ? "a device" : null, notice.newCountry ? "a country" : null].filter(Boolean).join(" and from ");
  return compose(to, notice.newCountry ? `New sign-in to your account from a new country: ${notice.place ?? "unknown"}` : "New sign-in to your account", [
    `Your account was just signed in to from ${what} we have not seen before.`,
    ...(notice.newCountry ? ["This is the first sign-in from this country: if you are not travelling, act now."] : []),
    `Where: ${notice.place ?? "unknown"}`,
    `Device: ${notice.userAgent ?? "unknown"}`,
    `IP address: ${notice.ip ?? "unknown"}`,
    `Time: ${notice.at.toISOString()}`,
    "If this was you, there is nothing to do. If not, change your password and end your other sessions.",
  ]);
}

export function twoFactorResetEmail(to: string): OutgoingEmail {
  return compose(to, "Two-factor authentication was turned off", [
    "An administrator turned off two-factor authentication for your account, and its backup codes no longer work.",
    "You can sign in with your password alone now; turn two-factor authentication on again in your security settings.",
    "If you did not ask for this, reset your password and contact support.",
  ]);
}

export function registrationAttemptEmail(deps: Deps, to: string): OutgoingEmail {
  return compose(
    to,
    "Someone tried to create an account with your address",
    [
      "Somebody just tried to register a new account with this e-mail address, which already has an account.",
      "If it was you, sign in instead, or reset your password if you forgot it. If not, you can ignore this e-mail.",
    ],
    { label: "Reset your password", url: `${deps.config.email.linkBase}/forgot-password` },
  );
}
