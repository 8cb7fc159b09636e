import { useEffect, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../client";
import { passkeyRefusalText } from "./account/passkey-words";
import { cancelPasskeyAutofill, passkeyAutofill, passkeysSupported, signInWithPasskey } from "./passkey-sign-in";
import { enterApp, platform } from "./platform";
import { type User, store, useAppState } from "./store";
import { problemText } from "./problem-text";
import { PRODUCT_NAME } from "./product";
import { type PhoneMode, PhoneSignIn } from "./phone-sign-in";
import { ProblemNote } from "./problem-note";

type Step =
  | { name: "login" }
  | { name: "register" }
  | { name: "mfa"; mfaToken: string; passkey: boolean }
  | { name: "forgot"; sent: boolean }
  | { name: "phone"; mode: PhoneMode };

/** The code of an invite link (`/app/?invite=…`): the sign-up opens with it filled in. */
const invitedWith = new URLSearchParams(location.search).get("invite");
/** The provider's hosted sign-in links here with `?step=register` or `?step=forgot`. */
const askedStep = new URLSearchParams(location.search).get("step");

export function AuthScreen() {
  const { notice } = useAppState();
  const [step, setStep] = useState<Step>(
    invitedWith || askedStep === "register" ? { name: "register" } : askedStep === "forgot" ? { name: "forgot", sent: false } : { name: "login" },
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // What the server offers by phone (GET /v1/auth/phone): sign-in where enabled, recovery where SMS works.
  const [phoneOffer, setPhoneOffer] = useState<{ signIn: boolean; sms: boolean }>({ signIn: false, sms: false });
  useEffect(() => {
    ok(platform.api.v1.auth.phone.$get())
      .then(setPhoneOffer)
      .catch(() => undefined);
  }, []);

  // Conditional UI: while the sign-in form shows, the browser offers saved passkeys in the e-mail field.
  useEffect(() => {
    if (step.name !== "login" || !passkeysSupported()) return;
    let live = true;
    void passkeyAutofill().then((session) => {
      if (live && session) void enterApp(session.user as User);
    });
    return () => {
      live = false;
      cancelPasskeyAutofill();
    };
  }, [step.name]);

  const usePasskey = async () => {
    setBusy(true);
    setError(null);
    try {
      const session = await signInWithPasskey("button", step.name === "mfa" ? step.mfaToken : undefined);
      await enterApp(session.user as User);
    } catch (caught) {
      if (caught instanceof ProblemError) setError(caught.message);
      else if (passkeyRefusalText(caught)) setError(passkeyRefusalText(caught));
      else setError(problemText(caught, "Could not sign in with a passkey."));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (step.name === "phone") return;
    const form = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? "");
    setBusy(true);
    setError(null);
    store.set({ notice: null });
    try {
      if (step.name === "forgot") {
        // Always 202: the answer says nothing about whether the address has an account.
        const response = await fetch("/v1/auth/password/forgot", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: field("email") }),
        });
        if (!response.ok) throw new Error("Could not send the link. Try again.");
        setStep({ name: "forgot", sent: true });
        return;
      }
      const session =
        step.name === "register"
          ? await platform.register({
              email: field("email"),
              password: field("password"),
              displayName: field("displayName"),
              ...(field("inviteCode").trim() ? { inviteCode: field("inviteCode").trim() } : {}),
            })
          : step.name === "login"
            ? await platform.login({ email: field("email"), password: field("password") })
            : await platform.loginMfa({ mfaToken: step.mfaToken, code: field("code").replace(/\s/g, "") });
      // A new account gets its confirmation link now; a failure here (the mail queue, a rate
      // limit) leaves the account screen's "Send the link again" to try later.
      if (step.name === "register") await platform.api.v1.auth.email.verification.$post().catch(() => undefined);
      // The invite is used: the link's code leaves the address bar.
      if (invitedWith) history.replaceState(null, "", location.pathname + location.hash);
      await enterApp(session.user as User);
    } catch (caught) {
      if (caught instanceof ProblemError && caught.code === "mfa_required") {
        const factors = Array.isArray(caught.problem.secondFactors) ? caught.problem.secondFactors : [];
        setStep({ name: "mfa", mfaToken: String(caught.problem.mfaToken), passkey: factors.includes("passkey") });
      } else if (caught instanceof ProblemError) {
        const fieldErrors = (caught.problem.errors as { path: string; message: string }[] | undefined)?.map((e) => e.message).join(". ");
        setError(fieldErrors || caught.message);
      } else setError("Cannot reach the server. Check your connection.");
    } finally {
      setBusy(false);
    }
  };

  const switchTo = (name: "login" | "register") => {
    setError(null);
    setStep(name === "login" ? { name: "login" } : { name: "register" });
  };

  return (
    <main class="auth">
      <div class="auth-card">
        <div class="brand">
          <img src="/app/icon.svg" alt="" width="40" height="40" />
          <span>{PRODUCT_NAME}</span>
        </div>
        {step.name === "phone" ? (
          <PhoneSignIn mode={step.mode} onBack={() => switchTo("login")} onSecondFactor={(mfaToken, passkey) => setStep({ name: "mfa", mfaToken, passkey })} />
        ) : step.name === "forgot" ? (
          <>
            <h1>Forgot your password?</h1>
            <p class="muted" data-testid="forgot-note">
              {step.sent
                ? "If that address has an account, a link to choose a new password is on its way (valid 30 minutes)."
                : "We e-mail you a link to choose a new one."}
            </p>
          </>
        ) : step.name === "mfa" ? (
          <>
            <h1>Two-step verification</h1>
            <p class="muted">Enter the 6-digit code from your authenticator app, or one of your backup codes.</p>
          </>
        ) : (
          <div class="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={step.name === "login" ? "true" : "false"}
              class={step.name === "login" ? "tab active" : "tab"}
              onClick={() => switchTo("login")}
            >
              Sign in
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={step.name === "register" ? "true" : "false"}
              class={step.name === "register" ? "tab active" : "tab"}
              onClick={() => switchTo("register")}
            >
              Create account
            </button>
          </div>
        )}
        {step.name !== "phone" && (
          <form onSubmit={submit} class="stack">
            {(step.name === "login" || (step.name === "mfa" && step.passkey)) && passkeysSupported() && (
              <>
                <button type="button" class="secondary" onClick={usePasskey} disabled={busy}>
                  {step.name === "login" ? "Sign in with a passkey" : "Use a passkey instead"}
                </button>
                <p class="muted small passkey-divider">{step.name === "login" ? "or with your password" : "or enter a code"}</p>
              </>
            )}
            {step.name === "register" && invitedWith && (
              <p class="muted" data-testid="invited">
                You were invited: create your account to join.
              </p>
            )}
            {step.name === "register" && (
              <label>
                Your name
                <input name="displayName" autocomplete="name" required maxlength={100} placeholder="Ada Lovelace" />
              </label>
            )}
            {step.name !== "mfa" && (
              <>
                <label>
                  E-mail
                  <input
                    name="email"
                    type="email"
                    autocomplete={step.name === "login" ? "username webauthn" : "email"}
                    required
                    placeholder="you@example.com"
                  />
                </label>
                {step.name !== "forgot" && (
                  <label>
                    Password
                    <input
                      name="password"
                      type="password"
                      autocomplete={step.name === "register" ? "new-password" : "current-password"}
                      required
                      minlength={8}
                      placeholder="At least 8 characters"
                    />
                  </label>
                )}
                {step.name === "register" && (
                  <label>
                    Invite code {invitedWith ? "" : "(if you were sent one)"}
                    <input name="inviteCode" autocomplete="off" value={invitedWith ?? ""} placeholder="From your invite link" />
                  </label>
                )}
              </>
            )}
            {step.name === "mfa" && (
              <label>
                Code
                <input name="code" inputmode="numeric" autocomplete="one-time-code" required placeholder="123 456" />
              </label>
            )}
            <ProblemNote text={error ?? notice} />
            <button class="primary" type="submit" disabled={busy}>
              {busy
                ? "Please wait…"
                : step.name === "register"
                  ? "Create account"
                  : step.name === "mfa"
                    ? "Verify"
                    : step.name === "forgot"
                      ? "Send link"
                      : "Sign in"}
            </button>
            {(step.name === "mfa" || step.name === "forgot") && (
              <button type="button" class="link" onClick={() => switchTo("login")}>
                Back to sign in
              </button>
            )}
            {step.name === "login" && (
              <button type="button" class="link" onClick={() => setStep({ name: "forgot", sent: false })}>
                Forgot password?
              </button>
            )}
            {step.name === "login" && phoneOffer.signIn && (
              <button type="button" class="link" onClick={() => setStep({ name: "phone", mode: "sign-in" })}>
                Sign in with a text message
              </button>
            )}
            {step.name === "forgot" && phoneOffer.sms && (
              <button type="button" class="link" onClick={() => setStep({ name: "phone", mode: "reset" })}>
                Reset by text message instead
              </button>
            )}
          </form>
        )}
      </div>
    </main>
  );
}
