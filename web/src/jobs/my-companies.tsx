// The companies I belong to (/app/jobs/companies): invitations waiting for my answer, each company
// linking to its page and its pipeline, and a form to create one (name, website, about, icon).
import { useEffect, useState } from "hono/jsx/dom";
import { platform } from "../platform";
import { navigate } from "../router";
import { useAppState } from "../store";
import { acceptInvitation, createCompany, dropInvitation, type Invitation, myCompanies, myInvitations } from "./api";
import type { Company } from "./model";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

export function MyCompanies() {
  const [items, setItems] = useState<Company[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = () =>
    myCompanies()
      .then(setItems)
      .catch((caught) => setError(problemText(caught, "Your companies could not be loaded; reload the page.")));
  useEffect(() => {
    void load();
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!items) return <p class="muted">Loading…</p>;
  return (
    <div class="jobs-companies">
      <Invitations onJoined={() => void load()} />
      {items.length === 0 && !creating && (
        <section class="card empty-state">
          <p>You do not recruit for any company yet. Create your company's page to publish vacancies, or accept an invitation from a colleague.</p>
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            Create a company
          </button>
        </section>
      )}
      {items.length > 0 && !creating && (
        <div class="row end">
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            Create a company
          </button>
        </div>
      )}
      {creating && <CreateCompany onCancel={() => setCreating(false)} />}
      {items.length > 0 && (
        <ul class="jobs-list" aria-label="My companies">
          {items.map((company) => (
            <li class="card jobs-item">
              <a href={`/app/jobs/companies/${company.id}`} class="jobs-item-title">
                {company.name}
              </a>
              <div class="muted small">
                You are {company.myRole === "owner" ? "an owner" : "a recruiter"} · {VERIFICATION_WORDS[company.verification]}
              </div>
              <div class="row">
                <a href={`/app/jobs/companies/${company.id}/pipeline`}>Applications</a>
                <a href={`/app/jobs/companies/${company.id}/vacancies/new`}>New vacancy</a>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const VERIFICATION_WORDS: Record<Company["verification"], string> = {
  none: "Not verified",
  pending: "Verification requested",
  verified: "Verified",
  rejected: "Verification refused",
};

function Invitations({ onJoined }: { onJoined: () => void }) {
  const { me } = useAppState();
  const [items, setItems] = useState<Invitation[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    void myInvitations().then(setItems, () => setItems([]));
  }, []);
  if (items.length === 0 && !message) return null;
  const answer = async (invitation: Invitation, accept: boolean) => {
    try {
      if (accept) await acceptInvitation(invitation.companyId, me!.id);
      else await dropInvitation(invitation.companyId, me!.id);
      setItems(items.filter((i) => i.companyId !== invitation.companyId));
      setMessage(accept ? `You joined ${invitation.companyName}.` : `You declined ${invitation.companyName}'s invitation.`);
      if (accept) onJoined();
    } catch (caught) {
      setMessage(problemText(caught, "That did not work; try again."));
    }
  };
  return (
    <section class="card stack" aria-label="Invitations">
      <h3>Invitations</h3>
      <ul class="jobs-plain-list">
        {items.map((invitation) => (
          <li class="row spread wrap">
            <span>
              {invitation.companyName} invites you as {invitation.role === "owner" ? "an owner" : "a recruiter"}
            </span>
            <span class="row">
              <button type="button" class="primary small" onClick={() => void answer(invitation, true)}>
                Accept
              </button>
              <button type="button" class="secondary small" onClick={() => void answer(invitation, false)}>
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
      {message && (
        <p class="small" role="status">
          {message}
        </p>
      )}
    </section>
  );
}

/** Uploads a picked image as a company icon; the file's id, or null when none was picked. */
export async function uploadIcon(file: File | null): Promise<string | null> {
  if (!file || file.size === 0) return null;
  return (await platform.uploadFile(file, { purpose: "company-icon", name: file.name })).id;
}

function CreateCompany({ onCancel }: { onCancel: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const name = String(form.get("name") ?? "").trim();
    if (!name) return setError("Give the company a name.");
    const website = String(form.get("website") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const iconFileId = await uploadIcon(form.get("icon") as File | null);
      const company = await createCompany({
        name,
        about: String(form.get("about") ?? ""),
        website: website || null,
        ...(iconFileId ? { iconFileId } : {}),
      });
      navigate(`/app/jobs/companies/${company.id}`);
    } catch (caught) {
      setError(problemText(caught, "The company could not be created; try again."));
      setBusy(false);
    }
  };
  return (
    <form class="card jobs-form" onSubmit={submit} aria-label="New company">
      <h3>New company</h3>
      <label>
        Name
        <input name="name" required maxLength={120} />
      </label>
      <label>
        Website
        <input name="website" type="url" placeholder="https://example.com" />
      </label>
      <label>
        About
        <textarea name="about" rows={4} maxLength={5000} />
      </label>
      <label>
        Icon (an image, up to 2 MB)
        <input name="icon" type="file" accept="image/png,image/jpeg,image/webp,image/gif" />
      </label>
      <ProblemNote text={error} />
      <div class="row end">
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          Create
        </button>
      </div>
    </form>
  );
}
