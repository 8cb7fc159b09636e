// A company's page (/app/jobs/companies/:id): its card for everyone; for its members, editing,
// asking for verification, its vacancies by status with a link to the pipeline, and its followers.
import { useEffect, useState } from "hono/jsx/dom";
import { useAppState } from "../store";
import { askVerification, companyVacancies, editCompany, getCompany, searchVacancies } from "./api";
import { FollowCompanyButton } from "./company-follow";
import { CompanyFollowers } from "./company-followers";
import { CompanyMembers } from "./company-members";
import { uploadIcon, VERIFICATION_WORDS } from "./my-companies";
import type { Company, Vacancy, VacancyStatus } from "./model";
import { CompanyCard } from "./vacancy-screen";
import { problemText } from "../problem-text";

/** The words on the members' switch between the company's vacancies by status. */
const STATUS_TABS: Record<VacancyStatus, string> = { published: "Published", scheduled: "Scheduled", draft: "Drafts", closed: "Closed" };

export function CompanyScreen({ companyId }: { companyId: string }) {
  const { me } = useAppState();
  const [company, setCompany] = useState<Company | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getCompany(companyId)
      .then(setCompany)
      .catch((caught) => setError(problemText(caught)));
  }, [companyId]);
  if (error) return <p class="error">{error}</p>;
  if (!company) return <p class="muted">Loading…</p>;
  const role = company.members.find((m) => m.userId === me?.id)?.role;
  return (
    <div class="jobs-company">
      <CompanyCard company={company} />
      {role ? (
        <>
          <div class="row wrap">
            <a href={`/app/jobs/companies/${company.id}/vacancies/new`} class="button-link primary">
              New vacancy
            </a>
            <a href={`/app/jobs/companies/${company.id}/pipeline`} class="button-link">
              Applications pipeline
            </a>
          </div>
          <MemberVacancies companyId={company.id} />
          <CompanyEditor company={company} onSaved={setCompany} isOwner={role === "owner"} />
          <CompanyMembers company={company} isOwner={role === "owner"} onChanged={setCompany} />
          <CompanyFollowers companyId={company.id} />
        </>
      ) : (
        <>
          <FollowCompanyButton companyId={company.id} name={company.name} />
          <PublicVacancies companyId={company.id} />
        </>
      )}
    </div>
  );
}

function CompanyEditor({ company, onSaved, isOwner }: { company: Company; onSaved: (c: Company) => void; isOwner: boolean }) {
  const [message, setMessage] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const website = String(form.get("website") ?? "").trim();
    try {
      const iconFileId = await uploadIcon(form.get("icon") as File | null);
      onSaved(
        await editCompany(company.id, {
          name: String(form.get("name") ?? ""),
          about: String(form.get("about") ?? ""),
          website: website || null,
          ...(iconFileId ? { iconFileId } : {}),
        }),
      );
      setMessage("Saved");
    } catch (caught) {
      setMessage(problemText(caught));
    }
  };
  const verify = async (event: Event) => {
    event.preventDefault();
    const note = String(new FormData(event.target as HTMLFormElement).get("note") ?? "").trim();
    if (!note) return setMessage("Tell the moderators how to check the company");
    try {
      onSaved(await askVerification(company.id, note));
      setMessage("Verification requested");
    } catch (caught) {
      setMessage(problemText(caught));
    }
  };
  return (
    <section class="card" aria-label="Edit the company">
      <form class="jobs-form" onSubmit={save}>
        <h3>Company page</h3>
        <p class="small" data-testid="verification">
          {VERIFICATION_WORDS[company.verification]}
          {company.verification === "none" && ": verified companies get a badge and may publish more vacancies at once."}
        </p>
        <label>
          Name
          <input name="name" value={company.name} required maxLength={120} />
        </label>
        <label>
          About
          <textarea name="about" rows={4} maxLength={5000}>
            {company.about}
          </textarea>
        </label>
        <label>
          Website
          <input name="website" type="url" value={company.website ?? ""} placeholder="https://example.com" />
        </label>
        <label>
          {company.iconUrl ? "Replace the icon" : "Icon"} (an image, up to 2 MB)
          <input name="icon" type="file" accept="image/png,image/jpeg,image/webp,image/gif" />
        </label>
        <div class="row end">
          <button type="submit" class="primary">
            Save
          </button>
        </div>
      </form>
      {isOwner && company.verification !== "verified" && company.verification !== "pending" && (
        <form class="jobs-form" onSubmit={verify}>
          <label>
            Ask for verification
            <input name="note" placeholder="Where moderators can check who you are" maxLength={2000} />
          </label>
          {company.verificationReason && <p class="muted small">Last decision: {company.verificationReason}</p>}
          <div class="row end">
            <button type="submit" class="secondary">
              Ask
            </button>
          </div>
        </form>
      )}
      {company.verification === "pending" && <p class="muted small">Verification requested; a moderator will decide.</p>}
      {message && (
        <p class="small" role="status">
          {message}
        </p>
      )}
    </section>
  );
}

function MemberVacancies({ companyId }: { companyId: string }) {
  const [status, setStatus] = useState<VacancyStatus>("published");
  const [items, setItems] = useState<Vacancy[] | null>(null);
  useEffect(() => {
    setItems(null);
    void companyVacancies(companyId, status).then(setItems);
  }, [companyId, status]);
  return (
    <section class="card" aria-label="Vacancies">
      <div class="row spread wrap">
        <h3>Vacancies</h3>
        <div class="segmented vacancy-status" role="tablist" aria-label="Vacancy status">
          {(Object.entries(STATUS_TABS) as [VacancyStatus, string][]).map(([s, label]) => (
            <button
              type="button"
              role="tab"
              aria-selected={s === status ? "true" : "false"}
              class={s === status ? "tab active" : "tab"}
              onClick={() => setStatus(s)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <VacancyLinks items={items} edit companyId={companyId} />
    </section>
  );
}

function PublicVacancies({ companyId }: { companyId: string }) {
  const [items, setItems] = useState<Vacancy[] | null>(null);
  useEffect(() => {
    void searchVacancies({ companyId, limit: "50" }).then((page) => setItems(page.items));
  }, [companyId]);
  return (
    <section class="card" aria-label="Open vacancies">
      <h3>Open vacancies</h3>
      <VacancyLinks items={items} />
    </section>
  );
}

function VacancyLinks({ items, edit, companyId }: { items: Vacancy[] | null; edit?: boolean; companyId?: string }) {
  if (!items) return <p class="muted">Loading…</p>;
  if (items.length === 0)
    return edit ? (
      <p class="muted">
        None here. <a href={`/app/jobs/companies/${companyId}/vacancies/new`}>Write a vacancy</a>
      </p>
    ) : (
      <p class="muted">None.</p>
    );
  return (
    <ul class="jobs-plain-list">
      {items.map((v) => (
        <li>
          <a href={edit ? `/app/jobs/vacancies/${v.id}/edit` : `/app/jobs/vacancies/${v.id}`}>{v.title}</a>{" "}
          <span class="muted small">{v.location?.place ?? (v.remote ? "Remote" : "")}</span>
        </li>
      ))}
    </ul>
  );
}
