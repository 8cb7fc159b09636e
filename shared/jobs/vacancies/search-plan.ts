import { boundingBox, type CellGrid, COARSE_GRID, type Point, REGION_GRID } from "../geo";

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
 * - `rings`: distance order, annuli around the point until a page is found: through the posting
 *   lists when other filters narrow the search, else through the R*Tree of locations.
 */
export type SearchPlan =
  | { kind: "table" }
  | { kind: "postings"; order: "newest" | "salary" }
  | { kind: "rings"; via: "postings" | "rtree"; densityKm2: number };

/** Counts of published vacancies by key (`all`, `cell:n`, `region:n`). */
export type SearchCounts = ReadonlyMap<string, number>;

/** Most counts a density estimate reads. */
const MAX_COUNTED_CELLS = 16;

function countedCells(search: VacancySearch): { prefix: "cell" | "region"; grid: CellGrid; cells: number[] } | null {
  if (!search.geo) return null;
  const box = boundingBox(search.geo.center, search.geo.radiusKm);
  for (const [prefix, grid] of [["cell", COARSE_GRID], ["region", REGION_GRID]] as const) {
    if (grid.rowCount(box) * box.lngRanges.length > MAX_COUNTED_CELLS) continue;
    const cells = grid.cells(box);
    if (cells.length <= MAX_COUNTED_CELLS) return { prefix, grid, cells };
  }
  return null;
}

/** The counts keys a distance search sizes its first ring by (none for other orders). */
export function countKeys(search: VacancySearch): string[] {
  if (search.sort !== "distance") return [];
  const counted = countedCells(search);
  return ["all", ...(counted ? counted.cells.map((cell) => `${counted.prefix}:${cell}`) : [])];
}

/** Published vacancies per km² where the search starts: the centre's cell, else the box's cells, else the globe. */
export function densityAround(search: VacancySearch, counts: SearchCounts): number {
  const globe = Math.max(1, counts.get("all") ?? 0) / 510_000_000;
  const counted = countedCells(search);
  if (!counted || !search.geo) return globe;
  const cellArea = counted.grid.cellAreaKm2(search.geo.center.lat);
  const atCenter = counts.get(`${counted.prefix}:${counted.grid.cellOf(search.geo.center)}`) ?? 0;
  if (atCenter > 0) return atCenter / cellArea;
  const n = counted.cells.reduce((sum, cell) => sum + (counts.get(`${counted.prefix}:${cell}`) ?? 0), 0);
  return n > 0 ? n / (counted.cells.length * cellArea) : globe;
}

export function planSearch(search: VacancySearch, counts: SearchCounts, narrowed: { byFilters: boolean }): SearchPlan {
  if (search.sort === "distance") return { kind: "rings", via: narrowed.byFilters ? "postings" : "rtree", densityKm2: densityAround(search, counts) };
  if (search.sort === "salary") return { kind: "postings", order: "salary" };
  return narrowed.byFilters || search.geo ? { kind: "postings", order: "newest" } : { kind: "table" };
}
