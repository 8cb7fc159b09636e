// The account's phone number: add or change it (with the password, then the texted code) and
// remove it. A confirmed number signs in (where the server allows it) and resets a forgotten
// password. Every action is one call of the platform's own API.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

type PhoneNumber = { e164: string; national: string; international: string; country: string | null };
type PhoneSettings = { phone: (PhoneNumber & { confirmedAt: string }) | null; pending: PhoneNumber | null };

/** The browser's country (en-GB → GB), so a number typed the national way reads right. */
export function browserRegion(): string | undefined {
  const region = new Intl.Locale(navigator.language).maximize().region;
  return region && /^[A-Z]{2}$/.test(region) ? region : undefined;
}

export function PhonePanel() {
  const [settings, setSettings] = useState<PhoneSettings | null>(null);
  const [step, setStep] = useState<"idle" | "number" | "code" | "remove">("idle");
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const load = async () => {
    const answer = (await ok(platform.api.v1.me.phone.$get())) as PhoneSettings;
    setSettings(answer);
    return answer;
  };
  useEffect(() => {
    load()
      .then((answer) => answer.pending && setStep("code"))
      .catch((caught) => setError(problemText(caught, "Could not load your phone number.")));
  }, []);
  const field = (event: Event, name: string) => String(new FormData(event.target as HTMLFormElement).get(name) ?? "");
  const act = (work: (event: Event) => Promise<void>, fallback: string) => async (event: Event) => {
    event.preventDefault();
    setError(null);
    setNote(null);
    try {
      await work(event);
    } catch (caught) {
      setError(problemText(caught, fallback));
    }
  };
  const sendCode = act(async (event) => {
    const region = browserRegion();
    const answer = await ok(
      platform.api.v1.me.phone.$post({ json: { phone: field(event, "phone"), password: field(event, "password"), ...(region ? { region } : {}) } }),
    );
    setSettings((current) => ({ phone: current?.phone ?? null, pending: answer.pending }));
    setStep("code");
  }, "Could not send a code to that number.");
  const confirm = act(async (event) => {
    setSettings((await ok(platform.api.v1.me.phone.confirm.$post({ json: { code: field(event, "code").replace(/\s/g, "") } }))) as PhoneSettings);
    setStep("idle");
    setNote("Number confirmed.");
  }, "Could not confirm the number.");
  const remove = act(async (event) => {
    await ok(platform.api.v1.me.phone.$delete({ json: { password: field(event, "password") } }));
    await load();
    setStep("idle");
    setNote("Number removed.");
  }, "Could not remove the number.");
  const cancel = () => {
    setStep("idle");
    setError(null);
  };

  return (
    <section aria-labelledby="security-phone">
      <h3 id="security-phone">Phone number</h3>
      {settings && (
        <p class="muted small" data-testid="phone-status">
          {settings.phone
            ? `${settings.phone.national} (${settings.phone.international}) is confirmed: it can sign you in and reset your password by text message.`
            : "No phone number. Add one to sign in and recover your account by text message."}
        </p>
      )}
      {step === "number" && (
        <form key="phone-number" class="stack" onSubmit={sendCode}>
          <label>
            Phone number
            <input name="phone" type="tel" autocomplete="tel" inputmode="tel" required placeholder="+44 7700 900123" />
          </label>
          <label>
            Your password
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={cancel}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Text me a code
            </button>
          </div>
        </form>
      )}
      {step === "code" && settings?.pending && (
        <form key="phone-code" class="stack" onSubmit={confirm}>
          <p>We texted a 6-digit code to {settings.pending.international}. It works for 10 minutes.</p>
          <label>
            Code
            <input name="code" inputmode="numeric" autocomplete="one-time-code" required placeholder="123456" maxlength={7} />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setStep("number")}>
              Use another number
            </button>
            <button type="submit" class="primary">
              Confirm
            </button>
          </div>
        </form>
      )}
      {step === "remove" && (
        <form key="phone-remove" class="stack" onSubmit={remove}>
          <label>
            Your password
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={cancel}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Remove number
            </button>
          </div>
        </form>
      )}
      {step === "idle" && settings && (
        <div class="row wrap">
          <button type="button" class="secondary" onClick={() => setStep("number")}>
            {settings.phone ? "Change number" : "Add a phone number"}
          </button>
          {settings.phone && (
            <button type="button" class="secondary" onClick={() => setStep("remove")}>
              Remove
            </button>
          )}
        </div>
      )}
      {note && <p class="muted small">{note}</p>}
      <ProblemNote text={error} />
    </section>
  );
}
