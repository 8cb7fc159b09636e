// The invite links this person made (GET /v1/invites), each revocable while it still works.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { CopyButton } from "../copy-button";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";
import { dateTime, dayOf } from "../format";

type Invite = { code: string; maxUses: number; uses: number; expiresAt: string | null; revokedAt: string | null; createdAt: string; usable: boolean };

/** The link that opens sign-up with the code filled in (the API's own `url` for a new invite). */
export const inviteLinkOf = (code: string) => `${location.origin}/app/?invite=${encodeURIComponent(code)}`;

function state(invite: Invite): string {
  if (invite.revokedAt) return "Revoked";
  if (invite.uses >= invite.maxUses) return "Used up";
  if (!invite.usable) return "Expired";
  return invite.expiresAt ? `Works until ${dayOf(invite.expiresAt)}` : "Works until revoked";
}

export function InvitesPanel() {
  const [items, setItems] = useState<Invite[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => setItems((await ok(platform.api.v1.invites.$get({ query: {} }))).items as Invite[]);
  useEffect(() => {
    load().catch((caught) => setError(problemText(caught, "Could not load your invite links.")));
  }, []);
  const revoke = async (invite: Invite) => {
    setError(null);
    try {
      await ok(platform.api.v1.invites[":code"].$delete({ param: { code: invite.code } }));
      await load();
    } catch (caught) {
      setError(problemText(caught, "Could not revoke the link."));
    }
  };
  return (
    <div class="stack">
      <ul class="security-list">
        {items?.length === 0 && <li class="muted small">You have not made an invite link. "Invite someone" in the chat list makes one.</li>}
        {(items ?? []).map((invite, index) => (
          <li key={invite.code} data-testid="invite">
            <div class="grow">
              <strong>Invite link {index + 1}</strong>
              <div class="muted small">
                Made {dateTime(invite.createdAt)} · used {invite.uses} of {invite.maxUses} · {state(invite)}
              </div>
            </div>
            {invite.usable && (
              <>
                <CopyButton text={inviteLinkOf(invite.code)} what={`invite link ${index + 1}`} />
                <button type="button" class="secondary small" onClick={() => revoke(invite)} aria-label={`Revoke invite link ${index + 1}`}>
                  Revoke
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <ProblemNote text={error} />
    </div>
  );
}
