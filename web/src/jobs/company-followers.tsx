// Who follows a company, for its members (/app/jobs/companies/:id): people by name and headline,
// each linking to their jobs profile, newest first, a page at a time. The server leaves out
// followers whose profile the member may not see.
import { usePagedList } from "../gallery/paged-list";
import { companyFollowers } from "./candidate-api";
import { PersonRow } from "./person-row";
import { dayOf } from "../format";
import { ProblemNote } from "../problem-note";

export function CompanyFollowers({ companyId }: { companyId: string }) {
  // The shared paged list drops an answer to a page nobody waits for any more: a first page that
  // answered after "Load more" once put this list back to its first page (seen in CI).
  const followers = usePagedList(companyId, (cursor) => companyFollowers(companyId, cursor));
  const firstPage = followers.items.length === 0 && !followers.done;

  return (
    <section class="card" aria-label="Followers">
      <h3>Followers</h3>
      <ProblemNote text={followers.error} />
      {firstPage && !followers.error && <p class="muted">Loading…</p>}
      {followers.done && followers.items.length === 0 && (
        <p class="muted small">Nobody follows the company yet. People follow it from its page, where they see its open vacancies.</p>
      )}
      <ul class="jobs-plain-list">
        {followers.items.map((follower) => (
          <PersonRow person={follower} note={`Following since ${dayOf(follower.followedAt)}`} />
        ))}
      </ul>
      {!firstPage && !followers.done && (
        <button type="button" class="secondary small" disabled={followers.loading} onClick={followers.loadMore}>
          {followers.loading ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
