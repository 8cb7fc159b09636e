// My applications (/app/jobs/applications): each with its status, the company's note and its
// history; a company's move arrives live on the hub (`application.updated`).
import { useEffect, useState } from "hono/jsx/dom";
import { myApplications, withdraw } from "./api";
import { useApplicationUpdates } from "./live";
import { type Application, STATUS_LABELS } from "./model";
import { problemText } from "../problem-text";
import { dayOf } from "../format";

export function ApplicationsScreen() {
  const [items, setItems] = useState<Application[] | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    myApplications()
      .then(setItems)
      .catch((caught) => setError(problemText(caught)));
  }, []);
  useApplicationUpdates((application) => {
    setItems((before) => (before ?? []).map((item) => (item.id === application.id ? application : item)));
    setFresh(application.id);
  });

  const doWithdraw = async (id: string) => {
    if (!confirm("Withdraw this application? You cannot apply to this vacancy again.")) return;
    try {
      const updated = await withdraw(id);
      setItems((before) => (before ?? []).map((item) => (item.id === id ? updated : item)));
    } catch (caught) {
      setError(problemText(caught));
    }
  };

  if (error) return <p class="error">{error}</p>;
  if (!items) return <p class="muted">Loading…</p>;
  if (items.length === 0)
    return (
      <p class="muted">
        No applications yet. <a href="/app/jobs">Find a job</a>
      </p>
    );
  return (
    <ul class="jobs-list" aria-label="My applications">
      {items.map((application) => (
        <li class={`card jobs-application${fresh === application.id ? " fresh" : ""}`} data-application={application.id}>
          <div class="row spread">
            <a href={`/app/jobs/vacancies/${application.vacancy.id}`} class="jobs-item-title">
              {application.vacancy.title}
            </a>
            <span class={`jobs-status status-${application.status}`} aria-live="polite">
              {STATUS_LABELS[application.status]}
            </span>
          </div>
          <div class="muted small">
            {application.company.name} · applied {dayOf(application.createdAt)}
            {application.vacancy.status === "closed" && " · the vacancy is closed"}
          </div>
          {application.note && (
            <blockquote class="jobs-note">
              <span class="muted small">From {application.company.name}:</span> {application.note}
            </blockquote>
          )}
          {application.nextStatuses.includes("withdrawn") && (
            <div class="row end">
              <button type="button" class="secondary small" onClick={() => void doWithdraw(application.id)}>
                Withdraw
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
