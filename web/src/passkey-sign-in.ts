// Signing in with a passkey from the sign-in screen: the button, the browser's autofill
// (conditional UI) and the second step after a password.
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService } from "@simplewebauthn/browser";
import { ProblemError } from "../../client";
import { platform } from "./platform";

export const passkeysSupported = () => browserSupportsWebAuthn();

async function requestOptions(mfaToken?: string) {
  const response = await fetch("/v1/auth/passkeys/login/options", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(mfaToken ? { mfaToken } : {}),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new ProblemError(response.status, String(body.code ?? "http_error"), String(body.detail ?? "Passkey sign-in is not available"), body);
  return body as unknown as Parameters<typeof startAuthentication>[0]["optionsJSON"];
}

/**
 * One passkey ceremony and the sign-in it finishes. `autofill` waits for the person to pick a
 * passkey in the username field's suggestions; a later button press aborts it and starts its own.
 */
export async function signInWithPasskey(mode: "button" | "autofill", mfaToken?: string) {
  const optionsJSON = await requestOptions(mfaToken);
  const credential = await startAuthentication({ optionsJSON, useBrowserAutofill: mode === "autofill" });
  return platform.loginPasskey({ response: credential, ...(mfaToken ? { mfaToken } : {}) });
}

/** Starts conditional UI when the browser has it; resolves with the session, or null when it never completes. */
export async function passkeyAutofill() {
  if (!(await browserSupportsWebAuthnAutofill())) return null;
  try {
    return await signInWithPasskey("autofill");
  } catch {
    // Closed, aborted by the button or by leaving the screen: the password form stays as it is.
    return null;
  }
}

export const cancelPasskeyAutofill = () => WebAuthnAbortService.cancelCeremony();
