import { type BoundingBox, boundingBox, type CellGrid, COARSE_GRID, type Point, REGION_GRID } from "../geo";

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
  /** Published vacancies per km² around the searched point (0 without one): picks the geo grid to read. */
  densityKm2: number;
  /** Estimated rows read, for the logs and the tests of the planner. */
  estimatedRows: number;
  /** For `rings`: the first radius tried. */
  firstRadiusKm?: number;
  /**
   * With a salary ceiling: no vacancy whose yearly maximum is above this can overlap the asked
   * range (its minimum would be above the ceiling, given the widest range of the currency), so
   * the salary index is read from here down.
   */
  salaryMaxBound?: number;
}

/** Counts of published vacancies by key (`all`, `tag:x`, `company:id`, `cell:n`, `currency:X`). */
export type SearchCounts = ReadonlyMap<string, number>;

/** Guessed share of vacancies matching a filter nothing is counted for. */
const GUESSED_SELECTIVITY = { role: 0.2, employmentType: 0.4, seniority: 0.25, remote: 0.3, verified: 0.5, salaryRange: 0.5, text: 0.05 } as const;

/** Most counts one estimate reads: the box's coarse cells, else its region cells, else none (the whole index). */
const MAX_COUNTED_CELLS = 16;

export function geoBox(search: VacancySearch): BoundingBox | undefined {
  return search.geo ? boundingBox(search.geo.center, search.geo.radiusKm) : undefined;
}

/** The counts level (and its cells) an estimate of the box reads. */
function countedCells(box: BoundingBox): { prefix: "cell" | "region"; grid: CellGrid; cells: number[] } | null {
  for (const [prefix, grid] of [["cell", COARSE_GRID], ["region", REGION_GRID]] as const) {
    if (grid.rowCount(box) * box.lngRanges.length > MAX_COUNTED_CELLS) continue;
    const cells = grid.cells(box);
    if (cells.length <= MAX_COUNTED_CELLS) return { prefix, grid, cells };
  }
  return null;
}

/** The counts keys the planner reads for this search. */
export function countKeys(search: VacancySearch): string[] {
  const keys = ["all"];
  for (const tag of search.tags ?? []) keys.push(`tag:${tag}`);
  if (search.companyId) keys.push(`company:${search.companyId}`);
  if (search.salary) keys.push(`currency:${search.salary.currency}`, `spread:${search.salary.currency}`);
  const box = geoBox(search);
  const counted = box && countedCells(box);
  if (counted) for (const cell of counted.cells) keys.push(`${counted.prefix}:${cell}`);
  return keys;
}

/** Vacancies in the counted cells around the point, or null when the box is too large to count. */
export function geoCandidates(search: VacancySearch, counts: SearchCounts): { n: number; areaKm2: number; densityKm2: number } | null {
  const box = geoBox(search);
  const counted = box && countedCells(box);
  if (!counted || !search.geo) return null;
  let n = 0;
  for (const cell of counted.cells) n += counts.get(`${counted.prefix}:${cell}`) ?? 0;
  const cellArea = counted.grid.cellAreaKm2(search.geo.center.lat);
  const atCenter = counts.get(`${counted.prefix}:${counted.grid.cellOf(search.geo.center)}`) ?? 0;
  // Density where the search starts: the centre's own cell, unless it is empty.
  const densityKm2 = atCenter > 0 ? atCenter / cellArea : n / (counted.cells.length * cellArea);
  return { n, areaKm2: counted.cells.length * cellArea, densityKm2 };
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
  const spread = search.salary ? counts.get(`spread:${search.salary.currency}`) : undefined;
  const salaryMaxBound = search.salary?.maxYear !== undefined && spread !== undefined ? search.salary.maxYear + spread : undefined;
  return { ...planDriver(search, counts), ...(salaryMaxBound === undefined ? {} : { salaryMaxBound }) };
}

function planDriver(search: VacancySearch, counts: SearchCounts): SearchPlan {
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
    const density = geo && geo.n > 0 ? geo.densityKm2 : total / 510_000_000;
    // Aim the first ring at a little more than a page of matches: a second ring costs 4x the area.
    const wanted = (1.25 * page) / Math.max(1e-12, density * (selectivity / (geo ? share(geo.n) || 1 : 1)));
    const firstRadiusKm = Math.min(search.geo!.radiusKm, Math.max(0.5, Math.sqrt(wanted / Math.PI)));
    return { driver: { kind: "rings" }, densityKm2: density, estimatedRows: Math.round(Math.min(geo?.n ?? total, 2 * page / Math.max(selectivity, 1e-9) * (geo ? share(geo.n) : 1))), firstRadiusKm };
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
    if (!best || cost < best.estimatedRows) best = { driver: candidate.driver, densityKm2: geo?.densityKm2 ?? 0, estimatedRows: Math.round(cost) };
  }
  return best!;
}
