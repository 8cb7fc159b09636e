import { boundingBox, type CellGrid, COARSE_GRID, destination, type Point, REGION_GRID } from "../geo";

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
 * - `table`: nothing narrows a newest-first search: the search rows by `seq`.
 * - `postings`: the posting lists (`vacancy_fts` newest first, `vacancy_salary_fts` best paid
 *   first) walked in their rowid order; FTS5 intersects the filters, so nearly every row it
 *   yields is a match.
 * - `rings`: distance order, annuli around the point until a page is found, through the R*Tree of
 *   locations (each probed in the posting lists when other filters narrow the search) or, for
 *   filters that keep few locations, through the posting lists.
 */
export type SearchPlan = { kind: "table" } | { kind: "postings"; order: "newest" | "salary" } | { kind: "rings"; filtered: boolean; densityKm2: number };

/** Counts of published vacancies by key (`all`, `cell:n`, `region:n`). */
export type SearchCounts = ReadonlyMap<string, number>;

/** Most counts a density estimate reads. */
const MAX_COUNTED_CELLS = 16;

function countedCells(search: VacancySearch): { prefix: "cell" | "region"; grid: CellGrid; cells: number[] } | null {
  if (!search.geo) return null;
  const box = boundingBox(search.geo.center, search.geo.radiusKm);
  for (const [prefix, grid] of [
    ["cell", COARSE_GRID],
    ["region", REGION_GRID],
  ] as const) {
    if (grid.rowCount(box) * box.lngRanges.length > MAX_COUNTED_CELLS) continue;
    const cells = grid.cells(box);
    if (cells.length <= MAX_COUNTED_CELLS) return { prefix, grid, cells };
  }
  return null;
}

/** The counts key of the 0.2° cell holding the search's point: the density its first ring is sized by. */
const centerKey = (center: Point) => `cell:${COARSE_GRID.cellOf(center)}`;

/** The counts keys a distance search sizes its first ring by (none for other orders). */
export function countKeys(search: VacancySearch): string[] {
  if (search.sort !== "distance") return [];
  const counted = countedCells(search);
  const keys = ["all", ...(search.geo ? [centerKey(search.geo.center)] : []), ...(counted ? counted.cells.map((cell) => `${counted.prefix}:${cell}`) : [])];
  return [...new Set(keys)];
}

/**
 * Published vacancies per km² where the search starts: the centre's 0.2° cell (whatever the
 * radius: averaged over a wide box, a city's density would be underestimated by tens of times,
 * and a first ring sized by it reads thousands of rows), else the box's cells, else the globe.
 */
export function densityAround(search: VacancySearch, counts: SearchCounts): number {
  const globe = Math.max(1, counts.get("all") ?? 0) / 510_000_000;
  if (!search.geo) return globe;
  const atCenter = counts.get(centerKey(search.geo.center)) ?? 0;
  if (atCenter > 0) return atCenter / COARSE_GRID.cellAreaKm2(search.geo.center.lat);
  const counted = countedCells(search);
  if (!counted) return globe;
  const cellArea = counted.grid.cellAreaKm2(search.geo.center.lat);
  const n = counted.cells.reduce((sum, cell) => sum + (counts.get(`${counted.prefix}:${cell}`) ?? 0), 0);
  return n > 0 ? n / (counted.cells.length * cellArea) : globe;
}

/** Bearings a circle's density is sampled at. */
const CIRCLE_SAMPLES = 24;

/**
 * The densest counted cell the circle of `km` around the search's point passes through, in
 * vacancies per km² (the globe's density where no cell is counted): a ring sized by it holds no
 * more than expected unless a cell's vacancies crowd into part of it. (A cell's count is its
 * average; a ring that enters a city is sized by the city's cells, not by the empty ones before.)
 */
export function densityOnCircle(search: VacancySearch, counts: SearchCounts, km: number): number {
  const globe = Math.max(1, counts.get("all") ?? 0) / 510_000_000;
  const counted = countedCells(search);
  if (!counted || !search.geo) return globe;
  const { center } = search.geo;
  let most = 0;
  for (let i = 0; i < CIRCLE_SAMPLES; i++) {
    const point = km > 0 ? destination(center, km, (360 * i) / CIRCLE_SAMPLES) : center;
    const n = counts.get(`${counted.prefix}:${counted.grid.cellOf(point)}`) ?? 0;
    most = Math.max(most, n / counted.grid.cellAreaKm2(point.lat));
    if (km <= 0) break;
  }
  return Math.max(most, globe);
}

export function planSearch(search: VacancySearch, counts: SearchCounts, narrowed: { byFilters: boolean }): SearchPlan {
  if (search.sort === "distance") return { kind: "rings", filtered: narrowed.byFilters, densityKm2: densityAround(search, counts) };
  if (search.sort === "salary") return { kind: "postings", order: "salary" };
  return narrowed.byFilters || search.geo ? { kind: "postings", order: "newest" } : { kind: "table" };
}
