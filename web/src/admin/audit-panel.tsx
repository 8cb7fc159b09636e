// The audit log: every account's security events, newest first, filtered by kind, by whose account,
// by who acted and by date, in words (GET /v1/admin/audit-events).
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { deviceWords, placeWords } from "../account/activity-words";
import { ProblemNote } from "../problem-note";
import { personLabel, when } from "../format";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { auditKinds, auditWords } from "./audit-words";

type AuditEvent = { id: string; userId: string | null; type: string; ip: string | null; userAgent: string | null; detail: Record<string, unknown>; createdAt: string };
type Filter = { type?: string; userId?: string; actorId?: string; from?: string; to?: string };

/** The id of the account with exactly this e-mail address, found through the admin user search. */
async function accountIdOf(email: string): Promise<string | null> {
  const page = await ok(platform.api.v1.admin.users.$get({ query: { q: email, limit: "20" } }));
  return page.items.find((user) => user.email.toLowerCase() === email.toLowerCase())?.id ?? null;
}

/** A date input's day as the instant it starts (`to` is the end of that day), in the viewer's time zone. */
const dayStart = (day: string, plusDays = 0) => {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
};

export function AuditPanel() {
  const { me } = useAppState();
  const [filter, setFilter] = useState<Filter>({});
  const [items, setItems] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (chosen: Filter, cursor?: string) => {
    setError(null);
    try {
      const page = await ok(platform.api.v1.admin["audit-events"].$get({ query: { ...chosen, limit: "25", ...(cursor ? { cursor } : {}) } }));
      setItems((before) => [...(cursor ? (before ?? []) : []), ...(page.items as AuditEvent[])]);
      setNext(page.nextCursor);
    } catch (caught) {
      setError(problemText(caught, "Could not load the audit log."));
    }
  };
  useEffect(() => void load({}), []);
  const apply = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const chosen: Filter = {};
    if (text("type")) chosen.type = text("type");
    for (const [field, key] of [
      ["account", "userId"],
      ["actor", "actorId"],
    ] as const) {
      if (!text(field)) continue;
      const id = await accountIdOf(text(field)).catch(() => null);
      if (!id) {
        setError(`No account has the e-mail address ${text(field)}.`);
        return;
      }
      chosen[key] = id;
    }
    if (text("from")) chosen.from = dayStart(text("from"));
    if (text("to")) chosen.to = dayStart(text("to"), 1);
    setFilter(chosen);
    await load(chosen);
  };
  return (
    <div class="stack">
      <form class="admin-filters" onSubmit={apply} aria-label="Filter the audit log">
        <label>
          Kind
          <select name="type">
            <option value="">Every kind</option>
            {auditKinds.map(([kind, words]) => (
              <option key={kind} value={kind}>
                {words}
              </option>
            ))}
          </select>
        </label>
        <label>
          Whose account (e-mail)
          <input name="account" type="email" placeholder="someone@example.com" />
        </label>
        <label>
          Done by (e-mail)
          <input name="actor" type="email" placeholder="admin@example.com" />
        </label>
        <label>
          From
          <input name="from" type="date" />
        </label>
        <label>
          Until
          <input name="to" type="date" />
        </label>
        <div class="row end">
          <button type="submit" class="primary">
            Show events
          </button>
        </div>
      </form>
      {items?.length === 0 && <p class="muted">No events match these filters.</p>}
      <ul class="security-list">
        {(items ?? []).map((event) => {
          const by = typeof event.detail.by === "string" ? event.detail.by : null;
          return (
            <li key={event.id} data-testid="audit-event" data-kind={event.type}>
              <div class="grow">
                <strong>{auditWords(event.type, event.detail)}</strong>
                <div class="muted small">
                  {event.userId ? personLabel(event.userId, me) : "No account"}
                  {by && by !== event.userId ? ` · by ${personLabel(by, me)}` : ""} · {when(event.createdAt)} · {deviceWords(event.userAgent)} ·{" "}
                  {placeWords(event.detail, event.ip)}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
      {next && (
        <div class="row end">
          <button type="button" class="secondary" onClick={() => void load(filter, next)}>
            Show older events
          </button>
        </div>
      )}
      <ProblemNote text={error} />
    </div>
  );
}
