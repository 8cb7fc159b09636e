// Signing in, or choosing a new password, with a confirmed phone number and a texted code. The
// server answers alike whether or not a number has an account, and so does this screen.
import { useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../client";
import { browserRegion } from "./account/phone-panel";
import { enterApp, platform } from "./platform";
import { problemText } from "./problem-text";
import type { User } from "./store";
import { ProblemNote } from "./problem-note";

export type PhoneMode = "sign-in" | "reset";

type Props = { mode: PhoneMode; onBack: () => void; onSecondFactor: (mfaToken: string, passkey: boolean) => void };

export function PhoneSignIn({ mode, onBack, onSecondFactor }: Props) {
  const [phone, setPhone] = useState<string | null>(null);
  const [resetToken, setResetToken] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const region = browserRegion();
  const where = region ? { region } : {};
  const field = (event: Event, name: string) => String(new FormData(event.target as HTMLFormElement).get(name) ?? "");
  const act = (work: (event: Event) => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await work(event);
    } catch (caught) {
      if (caught instanceof ProblemError && caught.code === "mfa_required") {
        const factors = Array.isArray(caught.problem.secondFactors) ? caught.problem.secondFactors : [];
        onSecondFactor(String(caught.problem.mfaToken), factors.includes("passkey"));
      } else setError(problemText(caught, "Something went wrong. Try again."));
    } finally {
      setBusy(false);
    }
  };
  const sendCode = act(async (event) => {
    const typed = field(event, "phone");
    const json = { phone: typed, ...where };
    const response = await (mode === "sign-in" ? platform.api.v1.auth.phone.code.$post({ json }) : platform.api.v1.auth.password.forgot.phone.$post({ json }));
    // 202 has no body: only a refusal has something to read (ok() throws its problem).
    if (!response.ok) await ok(response);
    setPhone(typed);
  });
  const useCode = act(async (event) => {
    const code = field(event, "code").replace(/\s/g, "");
    if (!phone) return;
    if (mode === "sign-in") {
      const session = await platform.loginPhone({ phone, code, ...where });
      await enterApp(session.user as User);
      return;
    }
    setResetToken((await ok(platform.api.v1.auth.password.reset.phone.$post({ json: { phone, code, ...where } }))).token);
  });
  const choosePassword = act(async (event) => {
    if (!resetToken) return;
    await ok(platform.api.v1.auth.password.reset.$post({ json: { token: resetToken, password: field(event, "password") } }));
    setDone(true);
  });

  return (
    <>
      <h1>{mode === "sign-in" ? "Sign in with a text message" : "Reset by text message"}</h1>
      <p class="muted" data-testid="phone-note">
        {done
          ? "Your password is changed and every device is signed out. Sign in with the new one."
          : resetToken
            ? "Choose a new password."
            : phone
              ? "If this number is confirmed on an account, a 6-digit code is on its way (valid 10 minutes)."
              : "Enter the phone number confirmed on your account. We text you a code."}
      </p>
      {!phone && (
        <form key="phone-number" class="stack" onSubmit={sendCode}>
          <label>
            Phone number
            <input name="phone" type="tel" autocomplete="tel" inputmode="tel" required placeholder="+44 7700 900123" />
          </label>
          <button class="primary" type="submit" disabled={busy}>
            {busy ? "Please wait…" : "Text me a code"}
          </button>
        </form>
      )}
      {phone && !resetToken && (
        <form key="phone-code" class="stack" onSubmit={useCode}>
          <label>
            Code
            <input name="code" inputmode="numeric" autocomplete="one-time-code" required placeholder="123456" maxlength={7} />
          </label>
          <button class="primary" type="submit" disabled={busy}>
            {busy ? "Please wait…" : mode === "sign-in" ? "Sign in" : "Continue"}
          </button>
          <button type="button" class="link" onClick={() => setPhone(null)}>
            Use another number
          </button>
        </form>
      )}
      {resetToken && !done && (
        <form key="phone-password" class="stack" onSubmit={choosePassword}>
          <label>
            New password
            <input name="password" type="password" autocomplete="new-password" required minlength={8} placeholder="At least 8 characters" />
          </label>
          <button class="primary" type="submit" disabled={busy}>
            {busy ? "Please wait…" : "Set password"}
          </button>
        </form>
      )}
      <ProblemNote text={error} />
      <button type="button" class="link" onClick={onBack}>
        Back to sign in
      </button>
    </>
  );
}
