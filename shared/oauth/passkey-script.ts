/**
 * The one script of the hosted pages: passkey sign-in on /oauth/signin (button and conditional
 * UI in the e-mail field) and on the second-factor page. Plain browser JavaScript, served from the
 * provider's own origin at OAUTH_PASSKEY_SCRIPT_PATH, so the pages allow `script-src 'self'` and
 * nothing else; without it (or without WebAuthn) the password form works as before.
 */
export const OAUTH_PASSKEY_SCRIPT_PATH = "/oauth/passkey.js";

export const OAUTH_PASSKEY_SCRIPT = `"use strict";
(() => {
  const root = document.querySelector("[data-passkey]");
  if (!root || !window.PublicKeyCredential || !navigator.credentials) return;
  const toBytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)), (c) => c.charCodeAt(0));
  const toText = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const button = root.querySelector("button");
  const status = root.querySelector("[data-passkey-status]");
  const mfaToken = root.dataset.mfaToken || undefined;
  const post = (path, body) => fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  let pending = null;
  async function signIn(conditional) {
    if (pending) pending.abort();
    const controller = new AbortController();
    pending = controller;
    const optionsResponse = await post("/v1/auth/passkeys/login/options", mfaToken ? { mfaToken } : {});
    const options = await optionsResponse.json();
    if (!optionsResponse.ok) throw new Error(options.detail || "Passkeys are not available right now");
    const publicKey = {
      challenge: toBytes(options.challenge),
      rpId: options.rpId,
      timeout: options.timeout,
      userVerification: options.userVerification,
      allowCredentials: (options.allowCredentials || []).map((c) => ({ type: "public-key", id: toBytes(c.id), transports: c.transports })),
    };
    const credential = await navigator.credentials.get({ publicKey, signal: controller.signal, ...(conditional ? { mediation: "conditional" } : {}) });
    const r = credential.response;
    const response = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: r.userHandle ? toText(r.userHandle) : undefined,
      },
    };
    const done = await post("/oauth/signin/passkey", { response, return_to: root.dataset.returnTo, mfa_token: mfaToken });
    const body = await done.json();
    if (!done.ok) throw new Error(body.detail || "The passkey could not sign you in");
    location.assign(body.redirect);
  }
  const report = (error) => {
    if (error.name === "AbortError") return;
    status.textContent = error.name === "NotAllowedError" ? "The passkey prompt was closed or timed out." : error.message;
  };
  button.hidden = false;
  button.addEventListener("click", () => signIn(false).catch(report));
  if (!mfaToken && PublicKeyCredential.isConditionalMediationAvailable) {
    PublicKeyCredential.isConditionalMediationAvailable().then((available) => available && signIn(true).catch(() => {}));
  }
})();
`;
