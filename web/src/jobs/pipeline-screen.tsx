// The applications pipeline (/app/jobs/companies/:id/pipeline): one column per status; each
// card moves on with a note to the candidate, opens the CV and the chat with the candidate.
import { useEffect, useState } from "hono/jsx/dom";
import { refreshChats } from "../platform";
import { navigate } from "../router";
import { companyApplications, cvLink, getCompany, moveApplication, openChat } from "./api";
import { type Application, type ApplicationStatus, type Company, PIPELINE_COLUMNS, STATUS_LABELS } from "./model";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

export function PipelineScreen({ companyId }: { companyId: string }) {
  const [company, setCompany] = useState<Company | null>(null);
  const [items, setItems] = useState<Application[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([getCompany(companyId), companyApplications(companyId)])
      .then(([c, list]) => {
        setCompany(c);
        setItems(list);
      })
      .catch((caught) => setError(problemText(caught)));
  }, [companyId]);
  const replace = (updated: Application) => setItems((before) => (before ?? []).map((a) => (a.id === updated.id ? updated : a)));

  if (error) return <p class="error">{error}</p>;
  if (!items || !company) return <p class="muted">Loading…</p>;
  return (
    <section class="jobs-pipeline-page" aria-label="Applications pipeline">
      <div class="row spread">
        <h2>
          <a href={`/app/jobs/companies/${company.id}`}>{company.name}</a>: applications
        </h2>
        <span class="muted small">{items.length} in all</span>
      </div>
      <div class="jobs-pipeline">
        {PIPELINE_COLUMNS.map((status) => {
          const column = items.filter((a) => a.status === status);
          return (
            <section class="jobs-column" aria-label={STATUS_LABELS[status]} data-status={status}>
              <h3>
                {STATUS_LABELS[status]} <span class="muted">{column.length}</span>
              </h3>
              {column.map((application) => (
                <ApplicationCard application={application} onChange={replace} />
              ))}
            </section>
          );
        })}
      </div>
    </section>
  );
}

function ApplicationCard({ application, onChange }: { application: Application; onChange: (a: Application) => void }) {
  const [picked, setTarget] = useState<ApplicationStatus | "">(application.nextStatuses[0] ?? "");
  // After a move the choices change: a pick that is no longer offered falls back to the first one.
  const target = picked && application.nextStatuses.includes(picked) ? picked : (application.nextStatuses[0] ?? "");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const name = application.candidate?.displayName ?? "A deleted candidate";
  const move = async (event: Event) => {
    event.preventDefault();
    if (!target) return;
    try {
      onChange(await moveApplication(application.id, target, note.trim() || undefined));
      setNote("");
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const showCv = async () => {
    try {
      window.open(await cvLink(application.id), "_blank", "noopener");
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const chat = async () => {
    try {
      const chatId = await openChat(application.id);
      await refreshChats();
      navigate(`/app/chats/${chatId}`);
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  return (
    <article class="card jobs-card" data-application={application.id} aria-label={`${name}, ${application.vacancy.title}`}>
      <strong>{name}</strong>
      <a href={`/app/jobs/vacancies/${application.vacancy.id}`} class="small">
        {application.vacancy.title}
      </a>
      {application.coverLetter && <p class="small jobs-excerpt">{application.coverLetter}</p>}
      {application.note && <p class="small muted">Note: {application.note}</p>}
      <div class="row wrap">
        {application.hasCv && (
          <button type="button" class="secondary small" onClick={() => void showCv()}>
            CV
          </button>
        )}
        {application.candidate && (
          <button type="button" class="secondary small" onClick={() => void chat()}>
            Message
          </button>
        )}
      </div>
      {application.nextStatuses.length > 0 && (
        <form class="jobs-move" onSubmit={move}>
          <label class="small">
            Move to
            <select value={target} onChange={(e: Event) => setTarget((e.target as HTMLSelectElement).value as ApplicationStatus)}>
              {application.nextStatuses.map((s) => (
                <option value={s}>{STATUS_LABELS[s]}</option>
              ))}
            </select>
          </label>
          <label class="small">
            Note to the candidate
            <input value={note} maxLength={2000} onInput={(e: Event) => setNote((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary small">
            Move
          </button>
        </form>
      )}
      <ProblemNote text={error} small />
    </article>
  );
}
