// Users: find someone by name or e-mail, change their role, disable or enable the account, and see
// and end their sessions (GET/PUT/POST/DELETE /v1/admin/users...).
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { deviceWords } from "../account/activity-words";
import { ProblemNote } from "../problem-note";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { dayOf, when } from "../format";
import { roleWords } from "./panel";

type Role = "user" | "moderator" | "admin";
type ListedUser = { id: string; email: string; displayName: string; role: Role; emailVerified: boolean; disabled: boolean; createdAt: string };
type UserDetail = Omit<ListedUser, "disabled"> & { disabledAt: string | null; lockedUntil: string | null; totpEnabled: boolean; activeSessions: number };
type Session = { id: string; createdAt: string; lastUsedAt: string; userAgent: string | null; ip: string | null };

const users = () => platform.api.v1.admin.users;

export function UsersPanel() {
  const [query, setQuery] = useState("");
  const [items, setItems] = useState<ListedUser[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (q: string, cursor?: string) => {
    setError(null);
    try {
      const page = await ok(users().$get({ query: { ...(q ? { q } : {}), ...(cursor ? { cursor } : {}), limit: "20" } }));
      setItems((before) => [...(cursor ? (before ?? []) : []), ...(page.items as ListedUser[])]);
      setNext(page.nextCursor);
    } catch (caught) {
      setError(problemText(caught, "Could not load the users."));
    }
  };
  useEffect(() => void load(""), []);
  const search = (event: Event) => {
    event.preventDefault();
    setOpen(null);
    void load(query.trim());
  };
  const changed = (user: UserDetail) => setItems((list) => (list ?? []).map((u) => (u.id === user.id ? { ...u, role: user.role, disabled: user.disabledAt !== null } : u)));
  return (
    <div class="stack">
      <form class="row admin-search" aria-label="Find a user" onSubmit={search}>
        <label class="grow">
          <span class="visually-hidden">Name or e-mail</span>
          <input type="search" name="q" placeholder="Name or e-mail" value={query} onInput={(e: Event) => setQuery((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      {items?.length === 0 && <p class="muted">Nobody matches that name or e-mail.</p>}
      <ul class="security-list admin-list">
        {(items ?? []).map((user) => (
          <li key={user.id} data-testid="admin-user" data-email={user.email}>
            <div class="grow">
              <strong>{user.displayName}</strong>
              {user.role !== "user" && <span class="tag">{roleWords[user.role]}</span>}
              {user.disabled && <span class="tag warning">Disabled</span>}
              <div class="muted small">
                {user.email} · joined {dayOf(user.createdAt)}
              </div>
            </div>
            <button
              type="button"
              class="secondary small"
              aria-expanded={open === user.id ? "true" : "false"}
              aria-label={`${open === user.id ? "Close" : "Manage"} ${user.displayName}`}
              onClick={() => setOpen(open === user.id ? null : user.id)}
            >
              {open === user.id ? "Close" : "Manage"}
            </button>
            {open === user.id && <UserDetailCard userId={user.id} onChanged={changed} />}
          </li>
        ))}
      </ul>
      {next && (
        <div class="row end">
          <button type="button" class="secondary" onClick={() => void load(query.trim(), next)}>
            Show more
          </button>
        </div>
      )}
      <ProblemNote text={error} />
    </div>
  );
}

function UserDetailCard({ userId, onChanged }: { userId: string; onChanged: (user: UserDetail) => void }) {
  const { me } = useAppState();
  const [user, setUser] = useState<UserDetail | null>(null);
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const one = () => users()[":id"];
  const refresh = async () => {
    const [detail, live] = await Promise.all([ok(one().$get({ param: { id: userId } })), ok(one().sessions.$get({ param: { id: userId } }))]);
    setUser(detail.user as UserDetail);
    setSessions(live.items as Session[]);
    return detail.user as UserDetail;
  };
  useEffect(() => {
    refresh().catch((caught) => setError(problemText(caught, "Could not load this user.")));
  }, [userId]);
  const act = async (action: () => Promise<unknown>, done: string, failed: string) => {
    setError(null);
    setStatus(null);
    try {
      await action();
      onChanged(await refresh());
      setStatus(done);
    } catch (caught) {
      setError(problemText(caught, failed));
    }
  };
  if (!user) return <ProblemNote text={error} />;
  const self = me?.id === user.id;
  const setRole = (event: Event) => {
    event.preventDefault();
    const role = String(new FormData(event.target as HTMLFormElement).get("role")) as Role;
    void act(() => ok(one().role.$put({ param: { id: userId }, json: { role } })), `Role changed to ${roleWords[role]}.`, "Could not change the role.");
  };
  return (
    <div class="admin-detail stack" data-testid="admin-user-detail">
      <p class="muted small">
        {user.emailVerified ? "E-mail confirmed" : "E-mail not confirmed"} · {user.totpEnabled ? "two-step verification on" : "two-step verification off"}
        {user.lockedUntil ? ` · sign-in paused until ${when(user.lockedUntil)}` : ""}
        {user.disabledAt ? ` · disabled ${when(user.disabledAt)}` : ""}
      </p>
      <form class="admin-form admin-role" onSubmit={setRole}>
        <label>
          Role
          <select name="role" value={user.role}>
            {(["user", "moderator", "admin"] as const).map((role) => (
              <option key={role} value={role} selected={user.role === role}>
                {roleWords[role]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary small">
          Change role
        </button>
      </form>
      {!self && (
        <div class="row">
          {user.disabledAt ? (
            <button
              type="button"
              class="secondary small"
              onClick={() => act(() => ok(one().enable.$post({ param: { id: userId } })), "The account works again.", "Could not enable the account.")}
            >
              Enable account
            </button>
          ) : (
            <button
              type="button"
              class="secondary small"
              onClick={() =>
                act(
                  () => ok(one().disable.$post({ param: { id: userId }, json: {} })),
                  "The account is disabled and signed out everywhere.",
                  "Could not disable the account.",
                )
              }
            >
              Disable account
            </button>
          )}
        </div>
      )}
      <h3>Signed in on</h3>
      {sessions?.length === 0 && <p class="muted small">No live sessions.</p>}
      <ul class="security-list">
        {(sessions ?? []).map((session) => (
          <li key={session.id} data-testid="admin-session">
            <div class="grow">
              <strong>{deviceWords(session.userAgent)}</strong>
              <div class="muted small">
                {session.ip ? `address ${session.ip}` : "address not known"} · last active {when(session.lastUsedAt)}
              </div>
            </div>
            <button
              type="button"
              class="secondary small"
              onClick={() =>
                act(
                  () => ok(one().sessions[":sessionId"].$delete({ param: { id: userId, sessionId: session.id } })),
                  "That session has ended.",
                  "Could not end the session.",
                )
              }
            >
              End session
            </button>
          </li>
        ))}
      </ul>
      {(sessions?.length ?? 0) > 1 && (
        <div class="row end">
          <button
            type="button"
            class="secondary small"
            onClick={() => act(() => ok(one().sessions.$delete({ param: { id: userId } })), "Signed out everywhere.", "Could not end the sessions.")}
          >
            End every session
          </button>
        </div>
      )}
      {status && (
        <p class="muted small" role="status">
          {status}
        </p>
      )}
      <ProblemNote text={error} />
    </div>
  );
}
