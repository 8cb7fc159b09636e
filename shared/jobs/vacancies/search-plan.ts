import { type BoundingBox, boundingBox, COARSE_GRID, type Point } from "../geo";

/** A search as the API asked for it, after validation and normalisation. */
export interface VacancySearch {
  text?: string;
  tags?: string[];
  tagsMode: "any" | "all";
  role?: string;
  employmentType?: string;
  seniority?: string;
  remote?: boolean;
  companyId?: string;
  verified?: boolean;
  /** The asked salary range, per year, in `currency`. */
  salary?: { currency: string; minYear?: number; maxYear?: number };
  geo?: { center: Point; radiusKm: number };
  sort: "newest" | "salary" | "distance";
  limit: number;
}

/**
 * Where the rows of a page come from.
 * - `walk`: an index already in the sort order (newest: the table itself by `seq`, one company's
 *   vacancies, one tag's postings, or the full-text index by rowid; salary: the salary index of
 *   the currency), read until a page of matches is found.
 * - `gather`: every candidate of a small set (the geo cells of the box, the postings of the asked
 *   tags, one company), then sorted.
 * - `rings`: for distance order, growing squares of geo cells around the point until a page of
 *   matches lies within the square's inscribed circle.
 */
export type Driver =
  | { kind: "walk"; source: "table" | "company" | "tag" | "text" | "salary"; tag?: string }
  | { kind: "gather"; source: "geo" | "tags" | "company" | "tag" | "text"; tag?: string }
  | { kind: "rings" };

export interface SearchPlan {
  driver: Driver;
  /** Estimated rows read, for the logs and the tests of the planner. */
  estimatedRows: number;
  /** For `rings`: the first radius tried. */
  firstRadiusKm?: number;
}

/** Counts of published vacancies by key (`all`, `tag:x`, `company:id`, `cell:n`, `currency:X`). */
export type SearchCounts = ReadonlyMap<string, number>;

/** Guessed share of vacancies matching a filter nothing is counted for. */
const GUESSED_SELECTIVITY = { role: 0.2, employmentType: 0.4, seniority: 0.25, remote: 0.3, verified: 0.5, salaryRange: 0.5, text: 0.05 } as const;

/** The geo cells counted are coarse; above this many the estimate falls back to the whole index. */
const MAX_COARSE_CELLS = 400;

export function geoBox(search: VacancySearch): BoundingBox | undefined {
  return search.geo ? boundingBox(search.geo.center, search.geo.radiusKm) : undefined;
}

/** The counts keys the planner reads for this search. */
export function countKeys(search: VacancySearch): string[] {
  const keys = ["all"];
  for (const tag of search.tags ?? []) keys.push(`tag:${tag}`);
  if (search.companyId) keys.push(`company:${search.companyId}`);
  if (search.salary) keys.push(`currency:${search.salary.currency}`);
  const box = geoBox(search);
  if (box) {
    const cells = COARSE_GRID.rowCount(box) * box.lngRanges.length <= MAX_COARSE_CELLS ? COARSE_GRID.cells(box) : [];
    if (cells.length <= MAX_COARSE_CELLS) for (const cell of cells) keys.push(`cell:${cell}`);
  }
  return keys;
}

/** Vacancies in the coarse cells around the point, or null when the box is too large to count. */
export function geoCandidates(search: VacancySearch, counts: SearchCounts): { n: number; areaKm2: number } | null {
  const box = geoBox(search);
  if (!box || !search.geo) return null;
  if (COARSE_GRID.rowCount(box) * box.lngRanges.length > MAX_COARSE_CELLS) return null;
  const cells = COARSE_GRID.cells(box);
  if (cells.length > MAX_COARSE_CELLS) return null;
  let n = 0;
  for (const cell of cells) n += counts.get(`cell:${cell}`) ?? 0;
  return { n, areaKm2: cells.length * COARSE_GRID.cellAreaKm2(search.geo.center.lat) };
}

interface Candidate {
  driver: Driver;
  size: number;
  /** Share of all published vacancies this driver's rows are. */
  share: number;
  ordered: boolean;
}

/**
 * Picks the cheapest way to a page. Walking an ordered source costs the rows read until `limit + 1`
 * match: about (limit + 1) * share / (combined selectivity), at most its size. Gathering costs its
 * whole size. Selectivities come from the counts where they exist, and from fixed guesses for
 * filters nothing counts (role, seniority, ...).
 */
export function planSearch(search: VacancySearch, counts: SearchCounts): SearchPlan {
  const total = Math.max(1, counts.get("all") ?? 0);
  const share = (n: number) => Math.min(1, n / total);
  const tagCounts = (search.tags ?? []).map((tag) => ({ tag, n: counts.get(`tag:${tag}`) ?? 0 }));
  const geo = geoCandidates(search, counts);

  let selectivity = 1;
  if (search.role) selectivity *= GUESSED_SELECTIVITY.role;
  if (search.employmentType) selectivity *= GUESSED_SELECTIVITY.employmentType;
  if (search.seniority) selectivity *= GUESSED_SELECTIVITY.seniority;
  if (search.remote !== undefined) selectivity *= GUESSED_SELECTIVITY.remote;
  if (search.verified) selectivity *= GUESSED_SELECTIVITY.verified;
  if (search.text) selectivity *= GUESSED_SELECTIVITY.text;
  if (search.companyId) selectivity *= share(counts.get(`company:${search.companyId}`) ?? 0);
  if (search.salary) selectivity *= share(counts.get(`currency:${search.salary.currency}`) ?? 0) * (search.salary.minYear !== undefined || search.salary.maxYear !== undefined ? GUESSED_SELECTIVITY.salaryRange : 1);
  if (tagCounts.length > 0) {
    selectivity *= search.tagsMode === "all" ? tagCounts.reduce((p, t) => p * share(t.n), 1) : Math.min(1, tagCounts.reduce((sum, t) => sum + share(t.n), 0));
  }
  if (search.geo) selectivity *= geo ? share(geo.n) : 1;
  selectivity = Math.max(selectivity, 1 / (total * 1000));

  const page = search.limit + 1;

  if (search.sort === "distance") {
    const density = geo && geo.n > 0 ? geo.n / geo.areaKm2 : total / 510_000_000;
    const wanted = (2 * page) / Math.max(1e-12, density * (selectivity / (geo ? share(geo.n) || 1 : 1)));
    const firstRadiusKm = Math.min(search.geo!.radiusKm, Math.max(0.5, Math.sqrt(wanted / Math.PI)));
    return { driver: { kind: "rings" }, estimatedRows: Math.round(Math.min(geo?.n ?? total, 2 * page / Math.max(selectivity, 1e-9) * (geo ? share(geo.n) : 1))), firstRadiusKm };
  }

  const candidates: Candidate[] = [];
  const rarestTag = [...tagCounts].sort((a, b) => a.n - b.n)[0];
  const singleTag = rarestTag && (search.tagsMode === "all" || tagCounts.length === 1) ? rarestTag : undefined;
  const companyN = search.companyId ? counts.get(`company:${search.companyId}`) ?? 0 : undefined;

  if (search.sort === "newest") {
    candidates.push({ driver: { kind: "walk", source: "table" }, size: total, share: 1, ordered: true });
    if (companyN !== undefined) candidates.push({ driver: { kind: "walk", source: "company" }, size: companyN, share: share(companyN), ordered: true });
    if (singleTag) candidates.push({ driver: { kind: "walk", source: "tag", tag: singleTag.tag }, size: singleTag.n, share: share(singleTag.n), ordered: true });
    if (search.text) candidates.push({ driver: { kind: "walk", source: "text" }, size: total * GUESSED_SELECTIVITY.text, share: GUESSED_SELECTIVITY.text, ordered: true });
  } else {
    const currencyN = counts.get(`currency:${search.salary!.currency}`) ?? 0;
    candidates.push({ driver: { kind: "walk", source: "salary" }, size: currencyN, share: share(currencyN), ordered: true });
    if (companyN !== undefined) candidates.push({ driver: { kind: "gather", source: "company" }, size: companyN, share: share(companyN), ordered: false });
    if (singleTag) candidates.push({ driver: { kind: "gather", source: "tag", tag: singleTag.tag }, size: singleTag.n, share: share(singleTag.n), ordered: false });
    if (search.text) candidates.push({ driver: { kind: "gather", source: "text" }, size: total * GUESSED_SELECTIVITY.text, share: GUESSED_SELECTIVITY.text, ordered: false });
  }
  if (tagCounts.length > 1 && search.tagsMode === "any") {
    const n = tagCounts.reduce((sum, t) => sum + t.n, 0);
    candidates.push({ driver: { kind: "gather", source: "tags" }, size: n, share: share(n), ordered: false });
  }
  if (geo) candidates.push({ driver: { kind: "gather", source: "geo" }, size: geo.n, share: share(geo.n), ordered: false });

  let best: SearchPlan | undefined;
  for (const candidate of candidates) {
    const cost = candidate.ordered ? Math.min(candidate.size, (page * candidate.share) / selectivity) : candidate.size;
    if (!best || cost < best.estimatedRows) best = { driver: candidate.driver, estimatedRows: Math.round(cost) };
  }
  return best!;
}
