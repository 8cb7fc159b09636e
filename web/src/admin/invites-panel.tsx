// Invites: every invite code of the deployment (admins' and members'), a new one with its link,
// and revoking one that still works (GET/POST/DELETE /v1/admin/invites).
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { inviteLinkOf } from "../account/invites-panel";
import { ProblemNote } from "../problem-note";
import { CopyButton } from "../copy-button";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { dateTime, dayOf } from "../format";

type Invite = { code: string; maxUses: number; uses: number; expiresAt: string | null; revokedAt: string | null; createdAt: string; usable: boolean };

function state(invite: Invite): string {
  if (invite.revokedAt) return "Revoked";
  if (invite.uses >= invite.maxUses) return "Used up";
  if (!invite.usable) return "Expired";
  return invite.expiresAt ? `Works until ${dayOf(invite.expiresAt)}` : "Works until revoked";
}

export function InvitesPanel() {
  const [items, setItems] = useState<Invite[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const invites = platform.api.v1.admin.invites;
  const load = async (cursor?: string) => {
    const page = await ok(invites.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));
    setItems((before) => [...(cursor ? (before ?? []) : []), ...(page.items as Invite[])]);
    setNext(page.nextCursor);
  };
  useEffect(() => {
    load().catch((caught) => setError(problemText(caught, "Could not load the invites.")));
  }, []);
  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.target as HTMLFormElement);
    const maxUses = Number(form.get("maxUses"));
    const days = Number(form.get("days"));
    try {
      const invite = await ok(invites.$post({ json: { maxUses, ...(days > 0 ? { expiresInSeconds: days * 86400 } : {}) } }));
      setCreated(inviteLinkOf(invite.code));
      await load();
    } catch (caught) {
      setError(problemText(caught, "Could not create the invite."));
    }
  };
  const revoke = async (invite: Invite) => {
    setError(null);
    try {
      await ok(invites[":code"].$delete({ param: { code: invite.code } }));
      await load();
    } catch (caught) {
      setError(problemText(caught, "Could not revoke the invite."));
    }
  };
  return (
    <div class="stack">
      <form class="row admin-form" onSubmit={create}>
        <label>
          Uses
          <input name="maxUses" type="number" min="1" max="10000" value="1" required />
        </label>
        <label>
          Expires after (days, 0 for never)
          <input name="days" type="number" min="0" max="365" value="7" required />
        </label>
        <button type="submit" class="primary">
          Create invite
        </button>
      </form>
      {created && (
        <div class="admin-secret stack" role="status" data-testid="invite-created">
          <dl class="secret-values">
            <dt>New invite link</dt>
            <dd>
              <code>{created}</code>
            </dd>
          </dl>
          <div class="row end">
            <CopyButton text={created} label="Copy link" />
          </div>
        </div>
      )}
      {items?.length === 0 && <p class="muted">No invites yet.</p>}
      <ul class="security-list">
        {(items ?? []).map((invite, index) => (
          <li key={invite.code} data-testid="admin-invite" data-state={invite.usable ? "usable" : "closed"}>
            <div class="grow">
              <strong>Invite {index + 1}</strong>
              <div class="muted small">
                Made {dateTime(invite.createdAt)} · used {invite.uses} of {invite.maxUses} · {state(invite)}
              </div>
            </div>
            {invite.usable && (
              <button type="button" class="secondary small" onClick={() => revoke(invite)} aria-label={`Revoke invite ${index + 1}`}>
                Revoke
              </button>
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
