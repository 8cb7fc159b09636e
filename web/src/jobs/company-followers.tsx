// Who follows a company, for its members (/app/jobs/companies/:id): people by name and headline,
// each linking to their jobs profile, newest first, a page at a time. The server leaves out
// followers whose profile the member may not see.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { type CompanyFollower, companyFollowers } from "./candidate-api";
import { PersonRow } from "./person-row";

export function CompanyFollowers({ companyId }: { companyId: string }) {
  const [followers, setFollowers] = useState<CompanyFollower[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The last load started: an answer to an earlier one is dropped (below). */
  const latest = useRef(0);

  const load = async (cursor?: string) => {
    const started = ++latest.current;
    setLoading(true);
    try {
      const page = await companyFollowers(companyId, cursor);
      // A first page that answers after "Load more" did would put the list back to its first
      // page: seen once in CI, with several first-page loads of one screen in flight at once.
      if (started !== latest.current) return;
      setFollowers((shown) => [...(cursor ? (shown ?? []) : []), ...page.items]);
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (caught) {
      if (started === latest.current) setError(problemText(caught));
    } finally {
      if (started === latest.current) setLoading(false);
    }
  };
  useEffect(() => {
    setFollowers(null);
    void load();
  }, [companyId]);

  const since = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  return (
    <section class="card" aria-label="Followers">
      <h3>Followers</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!followers && !error && <p class="muted">Loading…</p>}
      {followers?.length === 0 && <p class="muted small">Nobody follows the company yet. People follow it from its page, where they see its open vacancies.</p>}
      <ul class="jobs-plain-list">
        {(followers ?? []).map((follower) => (
          <PersonRow person={follower} note={`Following since ${since(follower.followedAt)}`} />
        ))}
      </ul>
      {nextCursor && (
        <button type="button" class="secondary small" disabled={loading} onClick={() => void load(nextCursor)}>
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
