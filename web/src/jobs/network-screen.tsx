// My network (/app/jobs/network): who follows me, whom I follow, and the companies I follow.
import { useEffect, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { type FollowedCompany, followedCompanies, type PersonLink, peopleOf } from "./candidate-api";
import { PersonRow } from "./person-row";

interface Network {
  followers: PersonLink[];
  following: PersonLink[];
  companies: FollowedCompany[];
}

export function NetworkScreen() {
  const { me } = useAppState();
  const [network, setNetwork] = useState<Network | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!me) return;
    Promise.all([peopleOf(me.id, "followers"), peopleOf(me.id, "following"), followedCompanies()])
      .then(([followers, following, companies]) => setNetwork({ followers: followers.items, following: following.items, companies: companies.items }))
      .catch((caught) => setError(problemText(caught)));
  }, [me?.id]);
  if (error) return <p class="error">{error}</p>;
  if (!network) return <p class="muted">Loading…</p>;
  return (
    <div class="jobs-network">
      <section class="card" aria-label="Companies I follow">
        <h2>Companies I follow</h2>
        {network.companies.length === 0 && (
          <p class="muted small">
            You follow no company yet. Open a company from a vacancy and press Follow. <a href="/app/jobs">Find jobs</a>
          </p>
        )}
        <ul class="jobs-plain-list">
          {network.companies.map((company) => (
            <li class="jobs-person">
              {company.iconUrl ? <img class="jobs-company-icon small" src={company.iconUrl} alt="" width={36} height={36} /> : null}
              <span class="jobs-person-text">
                <a href={`/app/jobs/companies/${company.companyId}`} class="jobs-person-name">
                  {company.name}
                </a>
                {company.verified && <span class="jobs-badge verified">Verified</span>}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <PeopleList title="People I follow" people={network.following} empty="You follow nobody yet: open someone's profile and press Follow." />
      <PeopleList title="My followers" people={network.followers} empty="Nobody follows you yet. A full profile helps people find you." />
    </div>
  );
}

function PeopleList({ title, people, empty }: { title: string; people: PersonLink[]; empty: string }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {people.length === 0 && <p class="muted small">{empty}</p>}
      <ul class="jobs-plain-list">
        {people.map((person) => (
          <PersonRow person={person} />
        ))}
      </ul>
    </section>
  );
}
