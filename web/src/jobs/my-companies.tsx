// The companies I belong to (/app/jobs/companies), each linking to its page and its pipeline.
import { useEffect, useState } from "hono/jsx/dom";
import { myCompanies } from "./api";
import type { Company } from "./model";
import { problemText } from "../problem-text";

export function MyCompanies() {
  const [items, setItems] = useState<Company[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    myCompanies()
      .then(setItems)
      .catch((caught) => setError(problemText(caught)));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!items) return <p class="muted">Loading…</p>;
  if (items.length === 0) return <p class="muted">You do not recruit for any company.</p>;
  return (
    <ul class="jobs-list" aria-label="My companies">
      {items.map((company) => (
        <li class="card jobs-item">
          <a href={`/app/jobs/companies/${company.id}`} class="jobs-item-title">
            {company.name}
          </a>
          <div class="muted small">
            You are {company.myRole === "owner" ? "an owner" : "a recruiter"} · verification: {company.verification}
          </div>
          <div class="row">
            <a href={`/app/jobs/companies/${company.id}/pipeline`}>Applications</a>
          </div>
        </li>
      ))}
    </ul>
  );
}
