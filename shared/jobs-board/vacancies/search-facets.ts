import { boundingBox, circleHalfWidthRange, distanceKm, type Point, toRadians } from "../geo";
import { bytesToHex } from "../../ids";
import type { VacancySearch } from "./search-plan";

/**
 * The tokens the posting lists (`vacancy_fts`, `vacancy_salary_fts`) hold for each filter value,
 * written here for queries and in the view `vacancy_search_facets` (migration 0009) for rows: the
 * two must agree. Every filter of a search becomes a full-text expression over the `facets`
 * column, so FTS5 intersects the posting lists and yields only vacancies matching every filter
 * (geo and salary bounds up to a cell or a bucket; the statement checks those exactly).
 */

const hex = (value: string) => bytesToHex(new TextEncoder().encode(value));

export const tagToken = (tag: string) => `tg${hex(tag)}`;
export const roleToken = (role: string) => `ro${hex(role)}`;
export const employmentToken = (type: string) => `em${hex(type)}`;
export const seniorityToken = (seniority: string) => `se${hex(seniority)}`;
export const companyToken = (companyId: string) => `co${hex(companyId)}`;
export const currencyToken = (currency: string) => `cu${currency.toLowerCase()}`;

/**
 * Yearly amounts fall into buckets between these values, each a quarter above the one before
 * (integer steps, so SQL and JS agree exactly). A salary's bucket is how many of them are <= it.
 */
export const SALARY_LADDER: readonly number[] = (() => {
  const ladder = [1000];
  while (ladder.at(-1)! < 2.08e12) ladder.push(ladder.at(-1)! + Math.floor(ladder.at(-1)! / 4));
  return ladder;
})();
const LAST_BUCKET = SALARY_LADDER.length;
/** Eight buckets make a group: a range reads a few bucket tokens at its edge and group tokens for the rest. */
const GROUP = 8;

export function salaryBucket(amount: number): number {
  let low = 0;
  let high = SALARY_LADDER.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (SALARY_LADDER[mid]! <= amount) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Tokens of every vacancy whose yearly `kind` ("sx" maximum, "sn" minimum) bucket is in [from, to]. */
function bucketRange(kind: "sx" | "sn", currency: string, from: number, to: number): string[] {
  const prefix = `${kind}${currency.toLowerCase()}`;
  const tokens: string[] = [];
  let bucket = from;
  while (bucket <= to) {
    if (bucket % GROUP === 0 && bucket + GROUP - 1 <= to) {
      tokens.push(`${prefix}c${bucket / GROUP}`);
      bucket += GROUP;
    } else {
      tokens.push(`${prefix}f${bucket}`);
      bucket += 1;
    }
  }
  return tokens;
}

/** Tokens of the vacancies whose range can overlap [minYear, maxYear]: maximum >= minYear and minimum <= maxYear. */
export function salaryTokens(salary: NonNullable<VacancySearch["salary"]>): string[][] {
  const clauses: string[][] = [];
  if (salary.minYear !== undefined) clauses.push(bucketRange("sx", salary.currency, salaryBucket(salary.minYear), LAST_BUCKET));
  if (salary.maxYear !== undefined) clauses.push(bucketRange("sn", salary.currency, 0, salaryBucket(salary.maxYear)));
  if (clauses.length === 0) clauses.push([currencyToken(salary.currency)]);
  return clauses;
}

/** The finest cells (0.0025°) rows and columns are numbered on; level k cells are 4^k of them a side. */
const BASE_DEG = 0.0025;
const BASE_ROWS = 72_000;
const BASE_COLUMNS = 144_000;
export const GEO_LEVELS = 8;
/** Most cells one geo clause names; a box needing more at every level is read with `gl` (has a location) only. */
export const MAX_GEO_CELLS = 512;

const baseRow = (lat: number) => Math.min(BASE_ROWS - 1, Math.max(0, Math.floor((lat + 90) / BASE_DEG)));
const baseColumn = (lng: number) => Math.min(BASE_COLUMNS - 1, Math.max(0, Math.floor((lng + 180) / BASE_DEG)));

export const geoCellToken = (level: number, row: number, column: number) => `g${level}r${row}c${column}`;

/** The cell tokens of a point, one per level (what the view writes). */
export function pointCellTokens(point: Point): string[] {
  const row = baseRow(point.lat);
  const column = baseColumn(point.lng);
  return Array.from({ length: GEO_LEVELS }, (_, level) => geoCellToken(level, row >> (2 * level), column >> (2 * level)));
}

interface Cell {
  level: number;
  row: number;
  column: number;
}

function cellBounds({ level, row, column }: Cell) {
  const size = BASE_DEG * 4 ** level;
  return { south: row * size - 90, north: (row + 1) * size - 90, west: column * size - 180, east: (column + 1) * size - 180 };
}

/** Whether every point of the cell is closer than `km` to `center` (the farthest point of a lat/lng cell is a corner). */
function cellWithin(cell: Cell, center: Point, km: number): boolean {
  const b = cellBounds(cell);
  return [b.south, b.north].every((lat) => [b.west, b.east].every((lng) => distanceKm(center, { lat: Math.max(-90, Math.min(90, lat)), lng }) < km));
}

const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));

/**
 * The distance from `center` to the nearest point of the cell: 0 inside it, else the nearest
 * point of its four edges. Along a parallel the distance grows with the longitude difference, so
 * the nearest point is the centre's longitude clamped to the edge; along a meridian it is the
 * latitude where cos(d) = A cos(lat - lat*) peaks, clamped to the edge.
 */
function cellMinDistanceKm(cell: Cell, center: Point): number {
  const b = cellBounds(cell);
  // The last row and column of a coarse level reach past the poles and the antimeridian.
  const south = clamp(b.south, -90, 90);
  const north = clamp(b.north, -90, 90);
  const west = b.west;
  const east = Math.min(180, b.east);
  if (center.lat >= south && center.lat <= north && center.lng >= west && center.lng <= east) return 0;
  // Across the antimeridian the nearest point of a parallel can be an end of the edge.
  const onParallels = [south, north].flatMap((lat) => [clamp(center.lng, west, east), west, east].map((lng) => distanceKm(center, { lat, lng })));
  const onMeridians = [west, east].map((lng) => {
    const peak = (Math.atan2(Math.sin(toRadians(center.lat)), Math.cos(toRadians(center.lat)) * Math.cos(toRadians(lng - center.lng))) * 180) / Math.PI;
    return distanceKm(center, { lat: clamp(peak, south, north), lng });
  });
  return Math.min(...onParallels, ...onMeridians);
}

/** Most cells one ring of a distance search names: the finer its cells, the less a ring reads beyond its annulus. */
export const MAX_RING_GEO_CELLS = 2048;

/**
 * The cells covering the circle of `outerKm` around `center` at the finest level that needs at
 * most `maxCells` tokens: the cells of its bounding box, without those wholly farther than
 * `outerKm` or wholly closer than `innerKm` (the part of a distance search already paged
 * through). Null when even the coarsest level needs more: then only `gl` narrows. Each row of
 * cells only looks at the columns the circle's longitude span reaches, less those inside the
 * inner circle's, so a thin ring costs about its own cells to list.
 */
export function geoCover(center: Point, outerKm: number, innerKm = 0, maxCells = MAX_GEO_CELLS): string[] | null {
  const box = boundingBox(center, outerKm);
  for (let level = 0; level < GEO_LEVELS; level++) {
    const shift = 2 * level;
    const size = BASE_DEG * 4 ** level;
    const rows = [baseRow(box.south) >> shift, baseRow(box.north) >> shift] as const;
    const boxRanges = box.lngRanges.map((r) => [baseColumn(r.west) >> shift, baseColumn(r.east) >> shift] as const);
    const candidates: Array<{ row: number; ranges: (readonly [number, number])[]; hole: readonly [number, number] | null }> = [];
    let count = 0;
    for (let row = rows[0]; row <= rows[1] && count <= 2 * maxCells; row++) {
      const south = clamp(row * size - 90, -90, 90);
      const north = clamp((row + 1) * size - 90, -90, 90);
      const outer = circleHalfWidthRange(center, outerKm, south, north).most;
      const ranges =
        outer !== null && center.lng - outer > -180 && center.lng + outer < 180
          ? [[baseColumn(center.lng - outer) >> shift, baseColumn(center.lng + outer) >> shift] as const]
          : boxRanges;
      // Columns whose cells lie wholly inside the inner circle along the whole row.
      const inner = innerKm > 0 ? circleHalfWidthRange(center, innerKm, south, north).least * (1 - 1e-9) - 1e-9 : 0;
      const hole = inner > 0 ? ([Math.ceil((center.lng - inner + 180) / size), Math.floor((center.lng + inner + 180) / size) - 1] as const) : null;
      candidates.push({ row, ranges, hole: hole && hole[1] >= hole[0] ? hole : null });
      for (const [west, east] of ranges) count += east - west + 1 - (hole ? Math.max(0, Math.min(east, hole[1]) - Math.max(west, hole[0]) + 1) : 0);
    }
    // Corners and the exact checks only remove part of the candidates; skip levels they cannot save.
    if (count > 2 * maxCells) continue;
    const tokens: string[] = [];
    for (const { row, ranges, hole } of candidates) {
      for (const [west, east] of ranges) {
        for (let column = west; column <= east; column++) {
          if (hole && column >= hole[0] && column <= hole[1]) continue;
          const cell = { level, row, column };
          if (innerKm > 0 && cellWithin(cell, center, innerKm)) continue;
          if (cellMinDistanceKm(cell, center) > outerKm) continue;
          tokens.push(geoCellToken(level, row, column));
        }
      }
    }
    if (tokens.length <= maxCells) return tokens;
  }
  return null;
}

/** A clause of the facets expression: any of its tokens. */
type Clause = string[];

const clauseSql = (tokens: Clause) => (tokens.length === 1 ? tokens[0]! : `(${tokens.join(" OR ")})`);

/**
 * The FTS5 expression for everything a search filters on (the user's words restricted to the
 * text columns, every other filter to `facets`), or null when nothing narrows the search.
 * `geo`: the cell tokens the caller chose (a whole radius, or one ring of a distance search).
 */
export function facetsMatch(search: VacancySearch, text: string | null, geo: Clause | null | undefined): string | null {
  const clauses: Clause[] = [];
  const tags = search.tags ?? [];
  if (tags.length > 0) {
    if (search.tagsMode === "all") for (const tag of tags) clauses.push([tagToken(tag)]);
    else clauses.push(tags.map(tagToken));
  }
  if (search.role) clauses.push([roleToken(search.role)]);
  if (search.employmentType) clauses.push([employmentToken(search.employmentType)]);
  if (search.seniority) clauses.push([seniorityToken(search.seniority)]);
  if (search.remote !== undefined) clauses.push([search.remote ? "rm1" : "rm0"]);
  if (search.verified) clauses.push(["vf1"]);
  if (search.companyId) clauses.push([companyToken(search.companyId)]);
  if (search.salary) clauses.push(...salaryTokens(search.salary));
  if (geo !== undefined) clauses.push(geo ?? ["gl"]);
  const parts: string[] = [];
  if (text !== null) parts.push(`{title description tags} : (${text})`);
  if (clauses.length > 0) parts.push(`facets : (${clauses.map(clauseSql).join(" AND ")})`);
  return parts.length > 0 ? parts.join(" AND ") : null;
}

/** Whether anything but the location narrows the search (then a distance search reads posting lists, else the R*Tree). */
export function hasNonGeoFilters(search: VacancySearch, text: string | null): boolean {
  return facetsMatch({ ...search, geo: undefined }, text, undefined) !== null;
}

/** The rowid order of `vacancy_salary_fts`: yearly maximum (capped at 2^32 - 1), then seq. */
export const SALARY_KEY_SEQ = 2 ** 31;
export const MAX_KEYED_SALARY = 2 ** 32 - 1;
/** (A seq outside [0, 2^31) only comes from a hand-made cursor: clamped, the order stays the same.) */
export const salaryKey = (maxYear: number, seq: number) =>
  BigInt(Math.min(maxYear, MAX_KEYED_SALARY)) * BigInt(SALARY_KEY_SEQ) + BigInt(Math.max(-1, Math.min(SALARY_KEY_SEQ - 1, seq)));
