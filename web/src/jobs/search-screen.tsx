// Job search with every filter the API has: words, tags (any or all), role, seniority, employment
// type, a salary range in a currency and period, remote, verified companies, and a place with a
// radius (a city from the built-in list, or the browser's location). The filters live in the
// address (search-url.ts): a reload or a shared link shows the same results.
import { useEffect, useState } from "hono/jsx/dom";
import { searchVacancies, type SearchQuery } from "./api";
import { CITIES } from "./cities";
import { distanceText, EMPLOYMENT_WORDS, kindOfJob, PERIOD_WORDS, SENIORITY_WORDS, salaryText, type Vacancy } from "./model";
import { SavedSearches } from "./saved-searches";
import { Choice, CURRENCIES, EMPLOYMENT_TYPES, PERIODS, SENIORITIES } from "./choices";
import { EMPTY_FILTERS, type Filters, filtersFromSearch, queryOf, searchOf } from "./search-url";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

const SORT_LABELS: Record<string, string> = { "": "Best for the filters", newest: "Newest first", salary: "Highest salary first", distance: "Nearest first" };

export function SearchScreen() {
  const [filters, setFilters] = useState<Filters>(() => filtersFromSearch(location.search));
  const [results, setResults] = useState<Vacancy[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [query, setQuery] = useState<SearchQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (asked: SearchQuery, cursor?: string) => {
    setBusy(true);
    try {
      const page = await searchVacancies(cursor ? { ...asked, cursor } : asked);
      setResults((before) => (cursor ? [...(before ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setQuery(asked);
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };
  // The search in the address runs on arrival, on reload and on back/forward.
  useEffect(() => {
    const fromAddress = () => {
      const shown = filtersFromSearch(location.search);
      setFilters(shown);
      const built = queryOf(shown);
      if ("problem" in built) {
        setError(built.problem);
        void run({ limit: "20" });
      } else void run(built.query);
    };
    fromAddress();
    addEventListener("popstate", fromAddress);
    return () => removeEventListener("popstate", fromAddress);
  }, []);

  const search = (shown: Filters) => {
    const built = queryOf(shown);
    if ("problem" in built) return setError(built.problem);
    const address = `${location.pathname}${searchOf(shown)}`;
    if (address !== location.pathname + location.search) history.pushState(null, "", address);
    void run(built.query);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    search(filters);
  };
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const useMyLocation = () => {
    if (!navigator.geolocation) return setError("This browser cannot tell its location");
    navigator.geolocation.getCurrentPosition(
      (position) => setFilters((f) => ({ ...f, here: { lat: position.coords.latitude, lng: position.coords.longitude }, place: "My location" })),
      () => setError("Location was not allowed"),
    );
  };
  const text = (name: keyof Filters, label: string, extra: { placeholder?: string; inputMode?: "numeric"; maxLength?: number; list?: string } = {}) => (
    <label>
      {label}
      <input name={name} value={String(filters[name] ?? "")} onInput={(e: Event) => set({ [name]: (e.target as HTMLInputElement).value })} {...extra} />
    </label>
  );
  const choice = (name: keyof Filters, label: string, options: readonly string[], labels?: Readonly<Record<string, string>>) => (
    <Choice label={label} name={name} values={options} labels={labels} value={String(filters[name])} onChange={(value) => set({ [name]: value })} />
  );
  const check = (name: "remote" | "verified" | "allTags", label: string) => (
    <label class="check">
      <input type="checkbox" name={name} checked={filters[name]} onChange={(e: Event) => set({ [name]: (e.target as HTMLInputElement).checked })} />
      {label}
    </label>
  );

  return (
    <div class="jobs-search">
      <div class="jobs-side">
        <form class="jobs-filters card" onSubmit={submit} aria-label="Search filters">
          {text("q", "What", { placeholder: "Title, skill or word" })}
          <div class="jobs-filter-row">
            {text("tags", "Tags", { placeholder: "go, rust" })}
            {check("allTags", "All of the tags")}
          </div>
          <div class="jobs-filter-row">
            {text("role", "Role", { placeholder: "backend", maxLength: 60 })}
            {choice("seniority", "Seniority", ["", ...SENIORITIES], { "": "Any", ...SENIORITY_WORDS })}
          </div>
          <div class="jobs-filter-row">
            {choice("employmentType", "Employment", ["", ...EMPLOYMENT_TYPES], { "": "Any", ...EMPLOYMENT_WORDS })}
            {choice("sort", "Order", ["", "newest", "salary", "distance"], SORT_LABELS)}
          </div>
          <div class="jobs-filter-row">
            {text("salaryMin", "Salary from", { inputMode: "numeric", placeholder: "60000" })}
            {text("salaryMax", "Salary to", { inputMode: "numeric", placeholder: "90000" })}
          </div>
          <div class="jobs-filter-row">
            {choice("currency", "Currency", CURRENCIES)}
            {choice("salaryPeriod", "Salary per", PERIODS, PERIOD_WORDS)}
          </div>
          <div class="jobs-filter-row">
            {text("place", "Near (a city)", { list: "jobs-cities", placeholder: "Berlin" })}
            {text("radiusKm", "Within km", { inputMode: "numeric" })}
          </div>
          <datalist id="jobs-cities">
            {CITIES.map((city) => (
              <option value={city.name}>{city.country}</option>
            ))}
          </datalist>
          <div class="jobs-filter-row end">
            {check("remote", "Remote only")}
            {check("verified", "Verified companies only")}
          </div>
          <div class="jobs-filter-row end">
            <button type="button" class="secondary" onClick={useMyLocation}>
              Use my location
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setFilters(EMPTY_FILTERS);
                search(EMPTY_FILTERS);
              }}
            >
              Clear filters
            </button>
            <button type="submit" class="primary" disabled={busy}>
              Search
            </button>
          </div>
          <ProblemNote text={error} />
        </form>
        <SavedSearches current={query} />
      </div>
      <section class="jobs-results" aria-label="Vacancies" aria-busy={busy}>
        {results?.length === 0 && <p class="muted">No vacancy matches. Try fewer filters or a wider radius.</p>}
        <ul class="jobs-list">
          {(results ?? []).map((vacancy) => (
            <VacancyItem vacancy={vacancy} />
          ))}
        </ul>
        {nextCursor && query && (
          <button type="button" class="secondary" disabled={busy} onClick={() => void run(query, nextCursor)}>
            More
          </button>
        )}
      </section>
    </div>
  );
}

function VacancyItem({ vacancy }: { vacancy: Vacancy }) {
  const salary = salaryText(vacancy.salary);
  return (
    <li class="card jobs-item">
      <a href={`/app/jobs/vacancies/${vacancy.id}`} class="jobs-item-title">
        {vacancy.title}
      </a>
      <div class="muted small">
        {vacancy.company.name}
        {vacancy.company.verified && <span class="jobs-badge verified">Verified</span>}
      </div>
      <div class="jobs-meta small">
        {vacancy.location && <span>{vacancy.location.place}</span>}
        {vacancy.distanceKm !== undefined && <span class="jobs-distance">{distanceText(vacancy.distanceKm)}</span>}
        {vacancy.remote && <span>Remote</span>}
        {salary && <span>{salary}</span>}
        <span>{kindOfJob({ seniority: vacancy.seniority, employmentType: vacancy.employmentType })}</span>
      </div>
      {vacancy.tags.length > 0 && (
        <div class="jobs-tags">
          {vacancy.tags.slice(0, 8).map((tag) => (
            <span class="jobs-tag">{tag}</span>
          ))}
        </div>
      )}
    </li>
  );
}
