// Job search: words, tags, a minimum salary, remote, and a place with a radius (a city from the
// built-in list, or the browser's location); results nearest first when a place is given.
import { useEffect, useState } from "hono/jsx/dom";
import { searchVacancies, type SearchQuery } from "./api";
import { CITIES, findCity } from "./cities";
import { salaryText, type Vacancy } from "./model";
import { SavedSearches } from "./saved-searches";
import { problemText } from "../problem-text";

interface Filters {
  q: string;
  tags: string;
  salaryMin: string;
  currency: string;
  remote: boolean;
  place: string;
  radiusKm: string;
  here: { lat: number; lng: number } | null;
}

const EMPTY: Filters = { q: "", tags: "", salaryMin: "", currency: "EUR", remote: false, place: "", radiusKm: "50", here: null };

function queryOf(filters: Filters): { query: SearchQuery } | { problem: string } {
  const query: SearchQuery = { limit: "20" };
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.tags.trim()) query.tags = filters.tags;
  if (filters.remote) query.remote = "true";
  if (filters.salaryMin.trim()) {
    query.salaryMin = String(Math.max(0, Math.floor(Number(filters.salaryMin) || 0)));
    query.currency = filters.currency;
  }
  const point = filters.here ?? (filters.place.trim() ? findCity(filters.place) : null);
  if (filters.place.trim() && !filters.here && !point) return { problem: `We do not know "${filters.place}": try a larger city nearby, or use your location.` };
  if (point) {
    Object.assign(query, { lat: String(point.lat), lng: String(point.lng), radiusKm: filters.radiusKm || "50", sort: "distance" });
  }
  return { query };
}

export function SearchScreen() {
  const [filters, setFilters] = useState<Filters>(EMPTY);
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
  useEffect(() => {
    void run({ limit: "20" });
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    const built = queryOf(filters);
    if ("problem" in built) setError(built.problem);
    else void run(built.query);
  };
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const useMyLocation = () => {
    if (!navigator.geolocation) return setError("This browser cannot tell its location");
    navigator.geolocation.getCurrentPosition(
      (position) => setFilters((f) => ({ ...f, here: { lat: position.coords.latitude, lng: position.coords.longitude }, place: "My location" })),
      () => setError("Location was not allowed"),
    );
  };

  return (
    <div class="jobs-search">
      <div class="jobs-side">
        <form class="jobs-filters card" onSubmit={submit} aria-label="Search filters">
          <label>
            What
            <input name="q" value={filters.q} placeholder="Title, skill or word" onInput={(e: Event) => set({ q: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            Tags
            <input name="tags" value={filters.tags} placeholder="go, rust" onInput={(e: Event) => set({ tags: (e.target as HTMLInputElement).value })} />
          </label>
          <div class="jobs-filter-row">
            <label>
              Salary from (a year)
              <input
                name="salaryMin"
                inputMode="numeric"
                value={filters.salaryMin}
                placeholder="60000"
                onInput={(e: Event) => set({ salaryMin: (e.target as HTMLInputElement).value })}
              />
            </label>
            <label>
              Currency
              <select name="currency" value={filters.currency} onChange={(e: Event) => set({ currency: (e.target as HTMLSelectElement).value })}>
                {["EUR", "USD", "GBP", "PLN", "CHF"].map((c) => (
                  <option value={c}>{c}</option>
                ))}
              </select>
            </label>
          </div>
          <div class="jobs-filter-row">
            <label>
              Near (a city)
              <input
                name="place"
                list="jobs-cities"
                value={filters.place}
                placeholder="Berlin"
                onInput={(e: Event) => set({ place: (e.target as HTMLInputElement).value, here: null })}
              />
            </label>
            <label>
              Within km
              <input
                name="radiusKm"
                inputMode="numeric"
                value={filters.radiusKm}
                onInput={(e: Event) => set({ radiusKm: (e.target as HTMLInputElement).value })}
              />
            </label>
          </div>
          <datalist id="jobs-cities">
            {CITIES.map((city) => (
              <option value={city.name}>{city.country}</option>
            ))}
          </datalist>
          <div class="jobs-filter-row end">
            <label class="check">
              <input type="checkbox" name="remote" checked={filters.remote} onChange={(e: Event) => set({ remote: (e.target as HTMLInputElement).checked })} />
              Remote only
            </label>
            <button type="button" class="secondary" onClick={useMyLocation}>
              Use my location
            </button>
            <button type="submit" class="primary" disabled={busy}>
              Search
            </button>
          </div>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
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
        {vacancy.distanceKm !== undefined && (
          <span class="jobs-distance">{vacancy.distanceKm < 10 ? vacancy.distanceKm.toFixed(1) : Math.round(vacancy.distanceKm)} km away</span>
        )}
        {vacancy.remote && <span>Remote</span>}
        {salary && <span>{salary}</span>}
        <span>
          {vacancy.seniority} · {vacancy.employmentType}
        </span>
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
