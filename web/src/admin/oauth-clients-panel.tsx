// Sign-in apps: the OAuth/OpenID Connect clients that may sign people in through the platform.
// Register one (its secret is shown once), rotate the secret, edit its redirect URIs, disable,
// enable or delete it (/v1/admin/oauth/clients, docs/sso.md).
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { SCOPE_WORDS } from "../account/activity-words";
import { ProblemNote } from "../problem-note";
import { CopyButton } from "../copy-button";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { when } from "../format";

type Scope = "openid" | "profile" | "email" | "offline_access";
type Client = {
  clientId: string;
  name: string;
  type: "public" | "confidential";
  redirectUris: string[];
  scopes: string[];
  firstParty: boolean;
  disabled: boolean;
  createdAt: string;
  secretRotatedAt: string | null;
};

const SCOPES = Object.keys(SCOPE_WORDS) as Scope[];
const clients = () => platform.api.v1.admin.oauth.clients;
const uriLines = (text: string) =>
  text
    .split(/\s+/)
    .map((line) => line.trim())
    .filter(Boolean);

/** A secret is answered once by the API: shown here until the admin closes it, never stored. */
function SecretOnce({ secret, onClose }: { secret: { name: string; clientId: string; clientSecret?: string }; onClose: () => void }) {
  return (
    <div class="admin-secret stack" role="status" data-testid="client-secret">
      <p>
        <strong>{secret.name}</strong>
        {secret.clientSecret ? ": copy the secret now, it is not shown again." : ": a public app has no secret."}
      </p>
      {/* Each value on a line of its own: set inside the sentence, "client_…" broke after its fourth letter. */}
      <dl class="secret-values">
        <dt>Client ID</dt>
        <dd>
          <code>{secret.clientId}</code>
        </dd>
        {secret.clientSecret && (
          <>
            <dt>Secret</dt>
            <dd>
              <code data-testid="client-secret-value">{secret.clientSecret}</code>
            </dd>
          </>
        )}
      </dl>
      <div class="row end wrap">
        <CopyButton text={secret.clientId} label="Copy client ID" />
        {secret.clientSecret && <CopyButton text={secret.clientSecret} label="Copy secret" />}
        <button type="button" class="secondary small" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

export function OAuthClientsPanel() {
  const [items, setItems] = useState<Client[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; clientId: string; clientSecret?: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (cursor?: string) => {
    const page = await ok(clients().$get({ query: { limit: "50", ...(cursor ? { cursor } : {}) } }));
    setItems((before) => [...(cursor ? (before ?? []) : []), ...(page.items as Client[])]);
    setNext(page.nextCursor);
  };
  useEffect(() => {
    load().catch((caught) => setError(problemText(caught, "Could not load the apps.")));
  }, []);
  const register = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    try {
      const created = await ok(
        clients().$post({
          json: {
            name: String(form.get("name") ?? ""),
            redirectUris: uriLines(String(form.get("redirectUris") ?? "")),
            type: form.get("type") === "public" ? "public" : "confidential",
            scopes: form.getAll("scopes").map(String) as Scope[],
            firstParty: form.get("firstParty") === "on",
          },
        }),
      );
      setSecret({ name: created.client.name, clientId: created.clientId, clientSecret: created.clientSecret });
      formElement.reset();
      await load();
    } catch (caught) {
      setError(problemText(caught, "Could not register the app."));
    }
  };
  return (
    <div class="stack">
      {secret && <SecretOnce secret={secret} onClose={() => setSecret(null)} />}
      <details class="admin-register">
        <summary>Register an app</summary>
        <form class="stack" onSubmit={register}>
          <label>
            Name
            <input name="name" required maxLength={100} />
          </label>
          <label>
            Redirect URIs (one per line; https, or http on localhost)
            <textarea name="redirectUris" rows={2} required placeholder="https://app.example.com/callback" />
          </label>
          <fieldset class="choice-row">
            <legend>Kind</legend>
            <label class="choice">
              <input type="radio" name="type" value="confidential" checked />
              Server app, with a secret
            </label>
            <label class="choice">
              <input type="radio" name="type" value="public" />
              Browser or mobile app, no secret
            </label>
          </fieldset>
          <fieldset class="choice-row">
            <legend>It may</legend>
            {SCOPES.map((scope) => (
              <label class="choice" key={scope}>
                <input type="checkbox" name="scopes" value={scope} checked={scope !== "offline_access"} />
                {SCOPE_WORDS[scope]}
              </label>
            ))}
          </fieldset>
          <label class="choice">
            <input type="checkbox" name="firstParty" />
            Our own app: skip the consent page
          </label>
          <div class="row end">
            <button type="submit" class="primary">
              Register
            </button>
          </div>
        </form>
      </details>
      {items?.length === 0 && <p class="muted">No app signs people in through this deployment yet.</p>}
      <ul class="security-list">
        {(items ?? []).map((client) => (
          <li key={client.clientId} data-testid="oauth-client" data-name={client.name}>
            <div class="grow">
              <strong>{client.name}</strong>
              {client.disabled && <span class="tag warning">Disabled</span>}
              {client.firstParty && <span class="tag">Our own</span>}
              <div class="muted small">
                {client.type === "confidential" ? "Server app" : "Browser or mobile app"} · registered {when(client.createdAt)}
              </div>
            </div>
            <button
              type="button"
              class="secondary small"
              aria-expanded={open === client.clientId ? "true" : "false"}
              aria-label={`${open === client.clientId ? "Close" : "Manage"} ${client.name}`}
              onClick={() => setOpen(open === client.clientId ? null : client.clientId)}
            >
              {open === client.clientId ? "Close" : "Manage"}
            </button>
            {open === client.clientId && (
              <ClientDetail
                client={client}
                onSecret={setSecret}
                onChanged={() => load().catch((caught) => setError(problemText(caught, "Could not load the apps.")))}
                onDeleted={() => {
                  setOpen(null);
                  void load();
                }}
              />
            )}
          </li>
        ))}
      </ul>
      {next && (
        <div class="row end">
          <button type="button" class="secondary" onClick={() => void load(next)}>
            Show more
          </button>
        </div>
      )}
      <ProblemNote text={error} />
    </div>
  );
}

function ClientDetail({
  client,
  onSecret,
  onChanged,
  onDeleted,
}: {
  client: Client;
  onSecret: (secret: { name: string; clientId: string; clientSecret?: string }) => void;
  onChanged: () => void;
  onDeleted: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const param = { clientId: client.clientId };
  const one = () => clients()[":clientId"];
  const act = async (action: () => Promise<unknown>, done: string, failed: string) => {
    setError(null);
    setStatus(null);
    try {
      await action();
      setStatus(done);
      onChanged();
    } catch (caught) {
      setError(problemText(caught, failed));
    }
  };
  const saveUris = (event: Event) => {
    event.preventDefault();
    const redirectUris = uriLines(String(new FormData(event.target as HTMLFormElement).get("redirectUris") ?? ""));
    void act(() => ok(one().$patch({ param, json: { redirectUris } })), "Redirect URIs saved.", "Could not save the redirect URIs.");
  };
  const rotate = () =>
    act(
      async () => {
        const rotated = await ok(one().secret.$post({ param }));
        onSecret({ name: client.name, clientId: rotated.clientId, clientSecret: rotated.clientSecret });
      },
      "A new secret was made; the old one no longer works.",
      "Could not make a new secret.",
    );
  const remove = async () => {
    setError(null);
    try {
      await ok(one().$delete({ param }));
      onDeleted();
    } catch (caught) {
      setError(problemText(caught, "Could not delete the app."));
    }
  };
  return (
    <div class="admin-detail stack" data-testid="oauth-client-detail">
      <p class="muted small">
        Client ID <code>{client.clientId}</code> · {client.scopes.length > 0 ? `it may ${client.scopes.map((s) => SCOPE_WORDS[s] ?? s).join(", ")}` : ""}
        {client.secretRotatedAt ? ` · secret last changed ${when(client.secretRotatedAt)}` : ""}
      </p>
      <form class="stack" onSubmit={saveUris}>
        <label>
          Redirect URIs (one per line)
          <textarea name="redirectUris" rows={Math.max(2, client.redirectUris.length)} required>
            {client.redirectUris.join("\n")}
          </textarea>
        </label>
        <div class="row end">
          <button type="submit" class="secondary small">
            Save redirect URIs
          </button>
        </div>
      </form>
      <div class="row">
        {client.type === "confidential" && (
          <button type="button" class="secondary small" onClick={rotate}>
            New secret
          </button>
        )}
        <button
          type="button"
          class="secondary small"
          onClick={() =>
            client.disabled
              ? act(() => ok(one().enable.$post({ param })), "The app may sign people in again.", "Could not enable the app.")
              : act(() => ok(one().disable.$post({ param })), "The app is disabled: its sign-ins and tokens are refused.", "Could not disable the app.")
          }
        >
          {client.disabled ? "Enable" : "Disable"}
        </button>
        <button type="button" class="secondary small" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      </div>
      {confirming && (
        <div class="danger-zone stack" role="alert">
          <p>
            <strong>Delete {client.name} for good?</strong> Everyone signed in through it is signed out of it, and its secret stops working.
          </p>
          <div class="row end">
            <button type="button" class="secondary small" onClick={() => setConfirming(false)}>
              Keep it
            </button>
            <button type="button" class="danger" onClick={remove}>
              Delete the app
            </button>
          </div>
        </div>
      )}
      {status && (
        <p class="muted small" role="status">
          {status}
        </p>
      )}
      <ProblemNote text={error} />
    </div>
  );
}
