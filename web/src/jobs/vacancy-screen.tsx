// A vacancy (/app/jobs/vacancies/:id): what it offers, the company's card, and applying with a
// cover letter and a CV (a PDF uploaded through the media API, then named in the application).
import { useEffect, useState } from "hono/jsx/dom";
import { platform } from "../platform";
import { useAppState } from "../store";
import { apply, getCompany, getVacancy } from "./api";
import { type Application, type Company, kindOfJob, salaryText, type Vacancy, VACANCY_STATUS_WORDS } from "./model";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

export function VacancyScreen({ id }: { id: string }) {
  const [vacancy, setVacancy] = useState<Vacancy | null>(null);
  const [company, setCompany] = useState<Company | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { me } = useAppState();
  useEffect(() => {
    setVacancy(null);
    getVacancy(id)
      .then(async (found) => {
        setVacancy(found);
        setCompany(await getCompany(found.companyId));
      })
      .catch((caught) => setError(problemText(caught)));
  }, [id]);

  if (error) return <p class="error">{error}</p>;
  if (!vacancy) return <p class="muted">Loading…</p>;
  const salary = salaryText(vacancy.salary);
  return (
    <div class="jobs-vacancy">
      <article class="card jobs-vacancy-main">
        <h2>{vacancy.title}</h2>
        <div class="jobs-meta">
          {vacancy.location && <span>{vacancy.location.place}</span>}
          {vacancy.remote && <span>Remote</span>}
          {salary && <span>{salary}</span>}
          <span>{kindOfJob(vacancy)}</span>
          {vacancy.status !== "published" && <span class="jobs-badge">{VACANCY_STATUS_WORDS[vacancy.status]}</span>}
        </div>
        {vacancy.tags.length > 0 && (
          <div class="jobs-tags">
            {vacancy.tags.map((tag) => (
              <span class="jobs-tag">{tag}</span>
            ))}
          </div>
        )}
        {vacancy.video && (
          <a class="jobs-video-link" href={`/app/videos/${encodeURIComponent(vacancy.video.id)}`} aria-label={`Watch the video: ${vacancy.video.title}`}>
            <figure class="jobs-video">
              {vacancy.video.thumbnailUrl ? (
                <img src={vacancy.video.thumbnailUrl} alt={`Video: ${vacancy.video.title}`} width={320} height={180} />
              ) : (
                <span class="jobs-video-placeholder" aria-hidden="true">
                  ▶
                </span>
              )}
              <figcaption class="small">
                {vacancy.video.title}
                {vacancy.video.durationSeconds ? ` · ${Math.round(vacancy.video.durationSeconds)} s` : ""}
              </figcaption>
            </figure>
          </a>
        )}
        <p class="jobs-description">{vacancy.description || "No description."}</p>
      </article>
      <aside class="jobs-side">
        {company && <CompanyCard company={company} />}
        {company && me && company.members.some((m) => m.userId === me.id) && (
          <a class="button-link secondary" href={`/app/jobs/vacancies/${vacancy.id}/edit`}>
            Edit the vacancy
          </a>
        )}
        {vacancy.status === "published" ? <ApplyForm vacancy={vacancy} company={company} /> : <p class="muted card">This vacancy takes no applications.</p>}
        {vacancy.status === "published" && (
          <a class="button-link secondary" href={`/app/jobs/profile/intro?vacancy=${encodeURIComponent(vacancy.id)}`}>
            Record a video introduction for this vacancy
          </a>
        )}
      </aside>
    </div>
  );
}

export function CompanyCard({ company }: { company: Company }) {
  return (
    <section class="card jobs-company-card" aria-label="Company">
      <div class="row">
        {company.iconUrl ? (
          <img src={company.iconUrl} alt={`${company.name} logo`} width={48} height={48} class="jobs-company-icon" />
        ) : (
          <span class="jobs-company-icon placeholder" aria-hidden="true">
            {company.name.slice(0, 1).toUpperCase()}
          </span>
        )}
        <div>
          <a href={`/app/jobs/companies/${company.id}`} class="jobs-company-name">
            {company.name}
          </a>
          {company.verification === "verified" && <span class="jobs-badge verified">Verified</span>}
        </div>
      </div>
      {company.about && <p class="small">{company.about}</p>}
      {company.website && (
        <a href={company.website} target="_blank" rel="noopener noreferrer" class="small jobs-company-site">
          {company.website}
        </a>
      )}
    </section>
  );
}

function ApplyForm({ vacancy, company }: { vacancy: Vacancy; company: Company | null }) {
  const { me } = useAppState();
  const [applied, setApplied] = useState<Application | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const member = company?.members.some((m) => m.userId === me?.id);
  if (member && company) {
    return (
      <p class="card">
        You recruit for {company.name}. <a href={`/app/jobs/companies/${company.id}/pipeline`}>Open the applications</a>
      </p>
    );
  }
  if (applied) {
    return (
      <p class="card jobs-applied" role="status">
        Application sent. Follow it in <a href="/app/jobs/applications">My applications</a>.
      </p>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const file = form.get("cv") as File | null;
    setBusy(true);
    try {
      const cv = file && file.size > 0 ? await platform.uploadFile(file, { purpose: "attachment", name: file.name }) : null;
      const coverLetter = String(form.get("coverLetter") ?? "").trim();
      setApplied(await apply(vacancy.id, { ...(coverLetter ? { coverLetter } : {}), ...(cv ? { cvFileId: cv.id } : {}) }));
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card jobs-apply" onSubmit={submit} aria-label="Apply">
      <h3>Apply</h3>
      <label>
        Cover letter
        <textarea name="coverLetter" rows={6} maxLength={10000} placeholder="Why you, why this job" />
      </label>
      <label>
        CV (PDF)
        <input type="file" name="cv" accept="application/pdf,.pdf" />
      </label>
      <ProblemNote text={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Sending…" : "Send application"}
      </button>
    </form>
  );
}
