// The account security page: where you are signed in, two-step verification, passkeys, the apps
// you signed in to, what happened on the account, and the password. Every action is one call of
// the platform's own API (same origin); nothing here keeps state the server does not.
import { startRegistration } from "@simplewebauthn/browser";
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../client";
import { PhonePanel } from "./account/phone-panel";
import { platform } from "./platform";
import { deviceWords, eventWords, placeWords, scopeWords } from "./account/activity-words";
import { passkeyProblemText } from "./account/passkey-words";
import { when } from "./format";
import { ProblemNote } from "./problem-note";
import { ModalDialog } from "./modal-dialog";

type Session = { id: string; userAgent: string | null; ip: string | null; lastUsedAt: string; current: boolean };
type Passkey = { id: string; name: string; deviceType: string; createdAt: string; lastUsedAt: string | null };
type ConnectedApp = { clientId: string; name: string; scopes: string[]; lastUsedAt: string | null; connectedAt: string };
type SecurityEvent = { id: string; type: string; ip: string | null; userAgent: string | null; createdAt: string; detail: Record<string, unknown> };
type TwoFactor = { totpEnabled: boolean; backupCodesRemaining: number };

const messageOf = passkeyProblemText;

export function Sessions() {
  const [items, setItems] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => setItems((await ok(platform.api.v1.auth.sessions.$get())).items as Session[]);
  useEffect(() => {
    load().catch((caught) => setError(messageOf(caught)));
  }, []);
  const end = async (id: string) => {
    try {
      await ok(platform.api.v1.auth.sessions[":id"].$delete({ param: { id } }));
      await load();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  // Ends every session, this one too: the app returns to its sign-in screen.
  const everywhere = async () => {
    if (!confirm("Sign out on every device, this one included?")) return;
    try {
      await ok(platform.api.v1.auth["logout-all"].$post());
      platform.session.signOut("logged_out");
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  return (
    <section aria-labelledby="security-sessions">
      <h3 id="security-sessions">Where you're signed in</h3>
      <ul class="security-list">
        {(items ?? []).map((session) => (
          <li key={session.id} data-testid="session">
            <div class="grow">
              <strong>{deviceWords(session.userAgent)}</strong>
              {session.current && <span class="tag">This device</span>}
              <div class="muted small">
                {session.ip ? `address ${session.ip}` : "address not known"} · last active {when(session.lastUsedAt)}
              </div>
            </div>
            {!session.current && (
              <button type="button" class="secondary small" onClick={() => end(session.id)}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <div class="row end">
        <button type="button" class="secondary" onClick={everywhere}>
          Sign out everywhere
        </button>
      </div>
      <ProblemNote text={error} />
    </section>
  );
}

export function TwoStep() {
  const [status, setStatus] = useState<TwoFactor | null>(null);
  const [setup, setSetup] = useState<{ secret: string; qrSvg: string } | null>(null);
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);
  const [asking, setAsking] = useState<"enable" | "disable" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => setStatus((await ok(platform.api.v1.auth["2fa"].$get())) as TwoFactor);
  useEffect(() => {
    load().catch((caught) => setError(messageOf(caught)));
  }, []);
  const field = (event: Event, name: string) => String(new FormData(event.target as HTMLFormElement).get(name) ?? "");
  const act = (work: (event: Event) => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await work(event);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  const start = act(async (event) => {
    const answer = await ok(platform.api.v1.auth["2fa"].totp.setup.$post({ json: { password: field(event, "password") } }));
    setSetup({ secret: answer.secret, qrSvg: answer.qrSvg });
    setAsking(null);
  });
  const enable = act(async (event) => {
    const answer = await ok(platform.api.v1.auth["2fa"].totp.enable.$post({ json: { code: field(event, "code").replace(/\s/g, "") } }));
    setBackupCodes(answer.backupCodes);
    setSetup(null);
    await load();
  });
  const disable = act(async (event) => {
    await ok(platform.api.v1.auth["2fa"].totp.disable.$post({ json: { password: field(event, "password") } }));
    setAsking(null);
    setBackupCodes(null);
    await load();
  });
  return (
    <section aria-labelledby="security-2fa">
      <h3 id="security-2fa">Two-step verification</h3>
      {status && (
        <p class="muted small" data-testid="totp-status">
          {status.totpEnabled
            ? `On: a code from your authenticator app (or a passkey) after your password. ${status.backupCodesRemaining} backup codes left.`
            : "Off: your password alone signs you in."}
        </p>
      )}
      {backupCodes && (
        <div class="stack">
          <p>Backup codes, each works once. Keep them somewhere safe: they are shown only now.</p>
          <ul class="backup-codes" data-testid="backup-codes">
            {backupCodes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {/* Each step is a form of its own (a key apiece): reusing the elements carried the password typed at one step into the next step's code field. */}
      {setup ? (
        <form key="totp-code" class="stack" onSubmit={enable}>
          <p>Scan this with your authenticator app, or type the key, then enter the code it shows.</p>
          <img
            class="qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
            alt="QR code to add this account to an authenticator app"
            width="180"
            height="180"
          />
          {/* In groups of four, as authenticator apps show and accept it: 32 letters in one run are easy to mistype. */}
          <p class="small">
            Key: <code data-testid="totp-key">{setup.secret.match(/.{1,4}/g)?.join(" ")}</code>
          </p>
          <label>
            Code
            <input name="code" inputmode="numeric" autocomplete="one-time-code" required placeholder="123 456" />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setSetup(null)}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Turn on
            </button>
          </div>
        </form>
      ) : asking ? (
        <form key={`totp-password-${asking}`} class="stack" onSubmit={asking === "enable" ? start : disable}>
          <label>
            Your password
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button type="submit" class="primary">
              {asking === "enable" ? "Continue" : "Turn off"}
            </button>
          </div>
        </form>
      ) : (
        status && (
          <div class="row">
            <button type="button" class="secondary" onClick={() => setAsking(status.totpEnabled ? "disable" : "enable")}>
              {status.totpEnabled ? "Turn off two-step verification" : "Turn on two-step verification"}
            </button>
          </div>
        )
      )}
      <ProblemNote text={error} />
    </section>
  );
}

export function Passkeys() {
  const [items, setItems] = useState<Passkey[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = async () => setItems((await ok(platform.api.v1.me.passkeys.$get())).items as Passkey[]);
  useEffect(() => {
    load().catch((caught) => setError(messageOf(caught)));
  }, []);
  const add = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const options = await ok(platform.api.v1.auth.passkeys.registration.options.$post({ json: { password: String(form.get("password") ?? "") } }));
      // The route declares the options loosely (they are WebAuthn's own JSON); the library knows their shape.
      const credential = await startRegistration({ optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]["optionsJSON"] });
      const response = { ...credential, clientExtensionResults: { ...credential.clientExtensionResults } };
      const name = String(form.get("name") ?? "").trim();
      await ok(platform.api.v1.auth.passkeys.registration.verify.$post({ json: { response, ...(name ? { name } : {}) } }));
      setAdding(false);
      await load();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  const rename = async (event: Event, id: string) => {
    event.preventDefault();
    setError(null);
    try {
      const name = String(new FormData(event.target as HTMLFormElement).get("name") ?? "");
      await ok(platform.api.v1.me.passkeys[":id"].$patch({ param: { id }, json: { name } }));
      setRenaming(null);
      await load();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  const remove = async (passkey: Passkey) => {
    if (!confirm(`Delete the passkey “${passkey.name}”? It will no longer sign you in.`)) return;
    try {
      await ok(platform.api.v1.me.passkeys[":id"].$delete({ param: { id: passkey.id } }));
      await load();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  return (
    <section aria-labelledby="security-passkeys">
      <h3 id="security-passkeys">Passkeys</h3>
      <p class="muted small">Sign in with your fingerprint, face or device PIN instead of your password.</p>
      <ul class="security-list">
        {items?.length === 0 && <li class="muted small">No passkeys yet.</li>}
        {(items ?? []).map((passkey) =>
          renaming === passkey.id ? (
            <li key={passkey.id}>
              <form class="row grow" onSubmit={(event: Event) => rename(event, passkey.id)}>
                <label class="grow">
                  <span class="visually-hidden">New name for {passkey.name}</span>
                  <input name="name" required maxlength={64} value={passkey.name} />
                </label>
                <button type="submit" class="primary small">
                  Save
                </button>
                <button type="button" class="secondary small" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </form>
            </li>
          ) : (
            <li key={passkey.id} data-testid="passkey">
              <div class="grow">
                <strong>{passkey.name}</strong>
                <div class="muted small">
                  {passkey.deviceType === "multiDevice" ? "Synced" : "This device only"} · added {when(passkey.createdAt)} · last used{" "}
                  {when(passkey.lastUsedAt)}
                </div>
              </div>
              <button type="button" class="secondary small" onClick={() => setRenaming(passkey.id)} aria-label={`Rename ${passkey.name}`}>
                Rename
              </button>
              <button type="button" class="secondary small" onClick={() => remove(passkey)} aria-label={`Delete ${passkey.name}`}>
                Delete
              </button>
            </li>
          ),
        )}
      </ul>
      {adding ? (
        <form class="stack" onSubmit={add}>
          <label>
            Name (optional)
            <input name="name" maxlength={64} placeholder="Work laptop" />
          </label>
          <label>
            Your password
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setAdding(false)}>
              Cancel
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {busy ? "Waiting for your device…" : "Create passkey"}
            </button>
          </div>
        </form>
      ) : (
        <div class="row">
          <button type="button" class="secondary" onClick={() => setAdding(true)}>
            Add a passkey
          </button>
        </div>
      )}
      <ProblemNote text={error} />
    </section>
  );
}

export function ConnectedApps() {
  const [items, setItems] = useState<ConnectedApp[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => setItems((await ok(platform.api.v1.me["connected-apps"].$get())).items as ConnectedApp[]);
  useEffect(() => {
    load().catch((caught) => setError(messageOf(caught)));
  }, []);
  const revoke = async (app: ConnectedApp) => {
    try {
      await ok(platform.api.v1.me["connected-apps"][":clientId"].$delete({ param: { clientId: app.clientId } }));
      await load();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  return (
    <section aria-labelledby="security-apps">
      <h3 id="security-apps">Connected apps</h3>
      <ul class="security-list">
        {items?.length === 0 && <li class="muted small">You have not signed in to other apps with this account.</li>}
        {(items ?? []).map((app) => (
          <li key={app.clientId} data-testid="connected-app">
            <div class="grow">
              <strong>{app.name}</strong>
              <div class="muted small">
                {scopeWords(app.scopes)} · connected {when(app.connectedAt)} · last used {when(app.lastUsedAt)}
              </div>
            </div>
            <button type="button" class="secondary small" onClick={() => revoke(app)} aria-label={`Disconnect ${app.name}`}>
              Disconnect
            </button>
          </li>
        ))}
      </ul>
      <ProblemNote text={error} />
    </section>
  );
}

export function SecurityEvents() {
  const [items, setItems] = useState<SecurityEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ok(platform.api.v1.me["security-events"].$get({ query: { limit: "20" } }))
      .then((page) => setItems(page.items as SecurityEvent[]))
      .catch((caught) => setError(messageOf(caught)));
  }, []);
  return (
    <section aria-labelledby="security-events">
      <h3 id="security-events">Recent activity</h3>
      <ul class="security-list">
        {(items ?? []).map((event) => (
          <li key={event.id} data-testid="security-event">
            <div class="grow">
              <strong>{eventWords(event.type, event.detail)}</strong>
              {event.detail.newCountry === true && <span class="tag warning">New country</span>}
              <div class="muted small">
                {when(event.createdAt)} · {deviceWords(event.userAgent)} · {placeWords(event.detail, event.ip)}
              </div>
            </div>
          </li>
        ))}
      </ul>
      <ProblemNote text={error} />
    </section>
  );
}

export function ChangePassword() {
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    setError(null);
    setDone(false);
    try {
      await ok(
        platform.api.v1.auth.password.change.$post({
          json: { currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") },
        }),
      );
      formElement.reset();
      setDone(true);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  return (
    <section aria-labelledby="security-password">
      <h3 id="security-password">Password</h3>
      <form class="stack" onSubmit={submit}>
        <label>
          Current password
          <input name="currentPassword" type="password" autocomplete="current-password" required />
        </label>
        <label>
          New password
          <input name="newPassword" type="password" autocomplete="new-password" required minlength={8} />
        </label>
        <div class="row end">
          {done && <span class="muted small">Changed. Your other devices are signed out.</span>}
          <button type="submit" class="primary">
            Change password
          </button>
        </div>
      </form>
      <ProblemNote text={error} />
    </section>
  );
}

export function AccountSecurity({ onClose }: { onClose: () => void }) {
  return (
    <ModalDialog class="dialog security" label="Account security" onClose={onClose}>
      <div class="row between">
        <h2>Account security</h2>
        <button type="button" class="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <Sessions />
      <TwoStep />
      <Passkeys />
      <PhonePanel />
      <ConnectedApps />
      <SecurityEvents />
      <ChangePassword />
    </ModalDialog>
  );
}
