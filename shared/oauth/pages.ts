import { html } from "hono/html";
import { OAUTH_PASSKEY_SCRIPT_PATH } from "./passkey-script";
import { isKnownScope, SCOPE_DESCRIPTIONS } from "./scopes";
import { PRODUCT_NAME } from "../product";

/**
 * The hosted pages of the provider (sign-in, second factor, consent, sign-out), rendered on the
 * platform's origin with `hono/html` (every value escaped). No script at all: the CSP forbids
 * every script and every other origin but where a form may send the browser on.
 */

export const OAUTH_STYLESHEET_PATH = "/oauth/style.css";

export const OAUTH_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #f6f8fa; --panel: #fff; --line: #d0d7de; --accent: #0969da; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22; --line: #30363d; --accent: #4493f8; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { width: min(26rem, 100% - 2rem); background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; }
.brand { margin: 0 0 .6rem; font-weight: 700; color: var(--accent); letter-spacing: .01em; }
label { display: block; margin: .8rem 0 .2rem; font-weight: 600; }
input[type=email], input[type=password], input[type=text] { width: 100%; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); font: inherit; }
button { margin-top: 1.2rem; padding: .55rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
.actions { display: flex; gap: .6rem; flex-wrap: wrap; }
.error { color: var(--bad); }
.muted { color: var(--muted); font-size: 13px; }
ul { padding-left: 1.2rem; }
`;

/** The CSP of a hosted page: this origin's stylesheet only, no script, forms to `formTargets` (the origin itself, and the app a decision redirects to: Chromium applies form-action to the redirects a form submission follows). */
/** `withScript`: the sign-in pages, which load the passkey script (same origin) and let it call the API. */
export function hostedPageCsp(formTargets: string[] = [], withScript = false): string {
  const targets = ["'self'", ...new Set(formTargets)].join(" ");
  const script = withScript ? "script-src 'self'; connect-src 'self'; " : "";
  return `default-src 'none'; ${script}style-src 'self'; img-src 'self'; base-uri 'none'; form-action ${targets}; frame-ancestors 'none'`;
}

/** The passkey button and its status line; the script shows the button only where WebAuthn works. */
function passkeyBlock(view: { returnTo: string; mfaToken?: string; label: string }) {
  return html`<div data-passkey data-return-to="${view.returnTo}"${view.mfaToken ? html` data-mfa-token="${view.mfaToken}"` : ""}>
<button type="button" class="secondary" hidden>${view.label}</button>
<p class="error" data-passkey-status aria-live="polite"></p>
</div>
<script src="${OAUTH_PASSKEY_SCRIPT_PATH}" defer></script>`;
}

function layout(title: string, body: unknown) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · ${PRODUCT_NAME}</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="${OAUTH_STYLESHEET_PATH}">
</head>
<body><main><p class="brand">${PRODUCT_NAME}</p>${body}</main></body>
</html>`;
}

export function signInPage(view: { returnTo: string; email?: string; error?: string; appName?: string; appUrl?: string }) {
  return layout(
    "Sign in",
    html`<h1>Sign in</h1>
${view.appName ? html`<p class="muted">to continue to <strong>${view.appName}</strong></p>` : ""}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ""}
<form method="post" action="/oauth/signin">
<input type="hidden" name="return_to" value="${view.returnTo}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username webauthn" required value="${view.email ?? ""}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${passkeyBlock({ returnTo: view.returnTo, label: "Sign in with a passkey" })}
${
  view.appUrl
    ? html`<p class="muted"><a href="${view.appUrl}?step=register">Create an account</a> (with an invite link, open the link itself) · <a href="${view.appUrl}?step=forgot">Forgot password?</a></p>`
    : ""
}`,
  );
}

export function secondFactorPage(view: { returnTo: string; mfaToken: string; error?: string; passkey?: boolean }) {
  return layout(
    "Two-factor authentication",
    html`<h1>Two-factor authentication</h1>
<p class="muted">Enter a code from your authenticator app, or one of your backup codes.</p>
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ""}
<form method="post" action="/oauth/signin/mfa">
<input type="hidden" name="return_to" value="${view.returnTo}">
<input type="hidden" name="mfa_token" value="${view.mfaToken}">
${view.passkey ? html`<input type="hidden" name="passkey" value="1">` : ""}
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Continue</button>
</form>
${view.passkey ? passkeyBlock({ returnTo: view.returnTo, mfaToken: view.mfaToken, label: "Use a passkey instead" }) : ""}`,
  );
}

export function consentPage(view: { appName: string; scopes: string[]; ticket: string; userEmail: string }) {
  return layout(
    `Allow ${view.appName}?`,
    html`<h1>Allow <strong>${view.appName}</strong> to use your account?</h1>
<p class="muted">Signed in as ${view.userEmail}</p>
<p><strong>${view.appName}</strong> asks to:</p>
<ul>${view.scopes.map((scope) => html`<li data-scope="${scope}">${isKnownScope(scope) ? SCOPE_DESCRIPTIONS[scope] : scope}</li>`)}</ul>
<p class="muted">You can disconnect it at any time from your account's connected apps.</p>
<form method="post" action="/oauth/authorize/decision">
<input type="hidden" name="ticket" value="${view.ticket}">
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}

export function logoutConfirmPage(view: { fields: Record<string, string> }) {
  return layout(
    "Sign out",
    html`<h1>Sign out?</h1>
<p>You will be signed out of this platform, and of the apps you signed in to with it.</p>
<form method="post" action="/oauth/logout">
${Object.entries(view.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit" name="confirm" value="yes">Sign out</button>
</form>`,
  );
}

export function messagePage(title: string, message: string) {
  return layout(title, html`<h1>${title}</h1><p>${message}</p>`);
}
