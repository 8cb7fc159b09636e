// A company's people (its page, for members): who is an owner or a recruiter; owners invite a
// colleague by e-mail or by name (from the people they chat with), change roles, remove members
// and revoke open invitations. Everyone may leave.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { lookUpPerson } from "../people";
import { platform } from "../platform";
import { navigate } from "../router";
import { useAppState } from "../store";
import { problemText } from "../problem-text";
import { companyInvitations, dropInvitation, getCompany, type Invitation, invite, removeMember, setMemberRole } from "./api";
import type { Company } from "./model";
import { ProblemNote } from "../problem-note";

type Role = "owner" | "recruiter";
const ROLE_WORDS: Record<Role, string> = { owner: "Owner", recruiter: "Recruiter" };

export function CompanyMembers({ company, isOwner, onChanged }: { company: Company; isOwner: boolean; onChanged: (c: Company) => void }) {
  const { me, people } = useAppState();
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  useEffect(() => {
    for (const member of company.members) lookUpPerson(member.userId);
    if (isOwner) void companyInvitations(company.id).then(setInvitations, () => setInvitations([]));
  }, [company.id, company.members.length, isOwner]);
  const nameOf = (userId: string) => (userId === me?.id ? `${me.displayName} (you)` : (people[userId]?.displayName ?? "Someone"));
  const act = async (work: () => Promise<string>) => {
    setMessage(null);
    try {
      setMessage({ text: await work() });
    } catch (caught) {
      setMessage({ text: problemText(caught, "That did not work; try again."), error: true });
    }
  };
  const refresh = async () => onChanged(await getCompany(company.id));

  return (
    <section class="card stack" aria-label="People">
      <h3>People</h3>
      <ul class="jobs-plain-list jobs-members">
        {company.members.map((member) => (
          <li class="row spread wrap">
            <span class="jobs-member-name">{nameOf(member.userId)}</span>
            <span class="row">
              {isOwner && member.userId !== me?.id ? (
                <>
                  <select
                    aria-label={`Role of ${nameOf(member.userId)}`}
                    value={member.role}
                    onChange={(e: Event) => {
                      const role = (e.target as HTMLSelectElement).value as Role;
                      void act(async () => {
                        onChanged(await setMemberRole(company.id, member.userId, role));
                        return `${nameOf(member.userId)} is now ${role === "owner" ? "an owner" : "a recruiter"}.`;
                      });
                    }}
                  >
                    {(["owner", "recruiter"] as Role[]).map((r) => (
                      <option value={r} selected={r === member.role}>
                        {ROLE_WORDS[r]}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={`Remove ${nameOf(member.userId)}`}
                    onClick={() =>
                      void act(async () => {
                        await removeMember(company.id, member.userId);
                        await refresh();
                        return `${nameOf(member.userId)} was removed.`;
                      })
                    }
                  >
                    Remove
                  </button>
                </>
              ) : (
                <span class="muted small">{ROLE_WORDS[member.role]}</span>
              )}
              {member.userId === me?.id && (
                <button
                  type="button"
                  class="secondary small"
                  onClick={() =>
                    void act(async () => {
                      await removeMember(company.id, member.userId);
                      navigate("/app/jobs/companies");
                      return "You left the company.";
                    })
                  }
                >
                  Leave
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
      {isOwner && invitations.length > 0 && (
        <>
          <h4>Invited, not answered yet</h4>
          <ul class="jobs-plain-list">
            {invitations.map((invitation) => (
              <InvitedRow
                invitation={invitation}
                onRevoke={() =>
                  act(async () => {
                    await dropInvitation(company.id, invitation.userId);
                    setInvitations(invitations.filter((i) => i.userId !== invitation.userId));
                    return "Invitation revoked.";
                  })
                }
              />
            ))}
          </ul>
        </>
      )}
      {isOwner && <InviteForm companyId={company.id} onInvited={(i) => setInvitations([...invitations.filter((x) => x.userId !== i.userId), i])} act={act} />}
      {message && (
        <p class={message.error ? "error" : "small"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function InvitedRow({ invitation, onRevoke }: { invitation: Invitation; onRevoke: () => void }) {
  const { people } = useAppState();
  useEffect(() => lookUpPerson(invitation.userId), [invitation.userId]);
  const name = people[invitation.userId]?.displayName ?? "Someone";
  return (
    <li class="row spread wrap">
      <span>
        {name} <span class="muted small">as {invitation.role}</span>
      </span>
      <button type="button" class="secondary small" aria-label={`Revoke the invitation of ${name}`} onClick={onRevoke}>
        Revoke
      </button>
    </li>
  );
}

interface Found {
  id: string;
  displayName: string;
}

/** Invite by e-mail, or by name among the people the owner chats with (the directory). */
function InviteForm({
  companyId,
  onInvited,
  act,
}: {
  companyId: string;
  onInvited: (i: Invitation) => void;
  act: (work: () => Promise<string>) => Promise<void>;
}) {
  const [who, setWho] = useState("");
  const [role, setRole] = useState<Role>("recruiter");
  const [matches, setMatches] = useState<Found[]>([]);
  const [hint, setHint] = useState<string | null>(null);
  useEffect(() => {
    setHint(null);
    const q = who.trim();
    if (!q || q.includes("@")) return setMatches([]);
    const timer = setTimeout(() => {
      void ok(platform.api.v1.people.$get({ query: { q, limit: "8" } })).then(
        (page) => setMatches((page as { items: Found[] }).items),
        () => setMatches([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [who]);
  const send = (target: { email: string } | { userId: string }, label: string) =>
    act(async () => {
      onInvited(await invite(companyId, target, role));
      setWho("");
      return `${label} is invited as ${role === "owner" ? "an owner" : "a recruiter"}; they join when they accept.`;
    });
  const submit = (event: Event) => {
    event.preventDefault();
    const text = who.trim();
    if (text.includes("@")) return void send({ email: text }, text);
    const exact = matches.find((m) => m.displayName.toLowerCase() === text.toLowerCase()) ?? (matches.length === 1 ? matches[0] : undefined);
    if (exact) return void send({ userId: exact.id }, exact.displayName);
    setHint(matches.length ? "Pick one of the names below." : "Nobody by that name among your contacts: invite by e-mail instead.");
  };
  return (
    <form class="jobs-form" onSubmit={submit} aria-label="Invite a recruiter">
      <div class="jobs-filter-row end">
        <label class="wide">
          Invite by e-mail or name
          <input
            name="invitee"
            value={who}
            autocomplete="off"
            placeholder="colleague@example.com"
            onInput={(e: Event) => setWho((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          As
          <select name="role" value={role} onChange={(e: Event) => setRole((e.target as HTMLSelectElement).value as Role)}>
            <option value="recruiter" selected={role === "recruiter"}>
              Recruiter
            </option>
            <option value="owner" selected={role === "owner"}>
              Owner
            </option>
          </select>
        </label>
        <button type="submit" class="primary">
          Invite
        </button>
      </div>
      <ProblemNote text={hint} />
      {matches.length > 0 && (
        <ul class="jobs-plain-list" aria-label="People by that name">
          {matches.map((m) => (
            <li>
              <button type="button" class="link" onClick={() => void send({ userId: m.id }, m.displayName)}>
                Invite {m.displayName}
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
