// The account's data: download all of it (GET /v1/me/export), or delete the account with the
// password after a warning that says what goes (DELETE /v1/me).
import { useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

export function DataPanel() {
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    setBusy(true);
    try {
      const data = await ok(platform.api.v1.me.export.$get());
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      link.download = "edge-platform-account.json";
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (caught) {
      setError(problemText(caught, "Could not prepare your data."));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const password = String(new FormData(event.target as HTMLFormElement).get("password") ?? "");
      await ok(platform.api.v1.me.$delete({ json: { password } }));
      platform.session.signOut("logged_out");
    } catch (caught) {
      setError(problemText(caught, "Could not delete the account."));
    }
  };
  return (
    <div class="stack">
      <div class="row">
        <p class="muted small grow">Everything the platform keeps about you, as one JSON file: profile, sign-ins, chats, calls and the rest.</p>
        <button type="button" class="secondary" onClick={download} disabled={busy}>
          {busy ? "Preparing…" : "Download my data"}
        </button>
      </div>
      {deleting ? (
        <form class="stack danger-zone" onSubmit={remove}>
          <p role="alert">
            <strong>This cannot be undone.</strong> Your account, profile, messages you sent, call history, passkeys and sign-ins are deleted, and every device
            is signed out. Companies you own pass to their next member.
          </p>
          <label>
            Your password, to confirm
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setDeleting(false)}>
              Keep my account
            </button>
            <button type="submit" class="danger">
              Delete my account for good
            </button>
          </div>
        </form>
      ) : (
        <div class="row end">
          <button type="button" class="secondary" onClick={() => setDeleting(true)}>
            Delete my account…
          </button>
        </div>
      )}
      <ProblemNote text={error} />
    </div>
  );
}
