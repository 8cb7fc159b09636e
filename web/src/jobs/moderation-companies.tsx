// The moderators' "Companies" tab: pending verification requests with the owner's note, the
// members and the history; approve, or reject with a reason.
import { useEffect, useState } from "hono/jsx/dom";
import { moderationTabs } from "../moderation";
import { decideCompany, pendingCompanies, type QueuedCompany } from "./api";
import { problemText } from "../problem-text";
import { dateTime } from "../format";
import { ProblemNote } from "../problem-note";

/** A company's verification history in a moderator's words. */
const VERIFICATION_EVENT_WORDS: Record<QueuedCompany["history"][number]["kind"], string> = {
  requested: "The owners asked to be verified",
  approved: "Verified",
  rejected: "Refused",
  reset: "Unverified: the company's details changed",
};

function CompaniesQueue() {
  const [items, setItems] = useState<QueuedCompany[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    pendingCompanies()
      .then(setItems)
      .catch((caught) => setError(problemText(caught)));
  useEffect(() => {
    void load();
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!items) return <p class="muted">Loading…</p>;
  if (items.length === 0) return <p class="muted">No company waits for verification.</p>;
  return (
    <div class="jobs">
      <ul class="jobs-list" aria-label="Pending companies">
        {items.map((item) => (
          <QueuedItem item={item} onDone={(id) => setItems((before) => (before ?? []).filter((i) => i.company.id !== id))} />
        ))}
      </ul>
    </div>
  );
}

function QueuedItem({ item, onDone }: { item: QueuedCompany; onDone: (id: string) => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const decide = async (outcome: "approve" | "reject") => {
    try {
      await decideCompany(item.company.id, outcome, reason.trim() || undefined);
      onDone(item.company.id);
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const { company } = item;
  return (
    <li class="card jobs-item" data-company={company.id}>
      <a href={`/app/jobs/companies/${company.id}`} class="jobs-item-title">
        {company.name}
      </a>
      {company.website && (
        <a href={company.website} target="_blank" rel="noopener noreferrer" class="small">
          {company.website}
        </a>
      )}
      <p>
        <span class="muted small">The owner's note:</span> {company.verificationNote}
      </p>
      <p class="small">Members: {item.members.map((m) => `${m.displayName ?? "a deleted account"} (${m.role})`).join(", ")}</p>
      {item.history.length > 1 && (
        <details class="small">
          <summary>History</summary>
          <ul>
            {item.history.map((event) => (
              <li>
                {dateTime(event.at)}: {VERIFICATION_EVENT_WORDS[event.kind]}
                {event.text ? ` — ${event.text}` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
      <label class="small">
        Reason (sent to the owners)
        <input value={reason} maxLength={2000} onInput={(e: Event) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <div class="row end">
        <button type="button" class="secondary" onClick={() => void decide("reject")}>
          Reject
        </button>
        <button type="button" class="primary" onClick={() => void decide("approve")}>
          Approve
        </button>
      </div>
      <ProblemNote text={error} small />
    </li>
  );
}

moderationTabs.push({ id: "companies", label: "Companies", Screen: CompaniesQueue });
