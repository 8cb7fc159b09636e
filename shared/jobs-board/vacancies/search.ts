import { z } from "zod";
import type { Deps } from "../../platform/deps-types";
import { ftsQuery } from "../../fts-query";
import { decodeCursor, encodeCursor, type Page } from "../../http/pagination";
import type { SQL } from "drizzle-orm";
import { EARTH_RADIUS_KM, latitudeRowRects, type Point, ringRects, type StoredBoundsRect, toRadians } from "../geo";
import { distancePageQuery, newestTableQuery, rectValues, postingsQuery, readSearchCounts, ringGeoQuery, ringPostingsQuery, runSearchQuery } from "./records";
import { facetsMatch, geoCover, hasNonGeoFilters, MAX_RING_GEO_CELLS, salaryKey } from "./search-facets";
import { countKeys, densityOnCircle, planSearch, type SearchPlan, type VacancySearch } from "./search-plan";
import { type VacancyView, vacancyViewOfSearchRow, SearchRowSchema } from "./vacancy-view";

export type { VacancySearch } from "./search-plan";

/** Most words of `q` a vacancy search uses. */
const MAX_SEARCH_TERMS = 12;

const NewestCursor = z.object({ s: z.number().int() });
const SalaryCursor = z.object({ m: z.number().int(), s: z.number().int() });
/** `f`: the share of locations the filters kept on the pages before (sizes the first ring; every ring is capped, so a wrong one costs no more than the budget). */
const DistanceCursor = z.object({
  // Finite (1e400 parses to Infinity) and not negative; past the radius is an empty last page.
  d: z.number().min(0).max(Number.MAX_VALUE),
  s: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  f: z.number().min(0).max(1).optional(),
});
/** A location a ring read: its search row, distance, and whether it matches the filters. */
const CandidateSchema = z.object({ seq: z.number().int(), distance_km: z.number(), hit: z.union([z.literal(0), z.literal(1)]).transform((hit) => hit === 1) });
type Candidate = z.output<typeof CandidateSchema>;

/** Rows read by every statement of one search, and how it was planned: what the bench prints. */
export interface SearchCost {
  rowsRead: number;
  statements: number;
  plan: SearchPlan;
  /** For distance order: each ring read, `r` (R*Tree) or `p` (posting lists) and its outer radius in km. */
  rings?: string[];
}

/** `plan=...` of the server-timing header. */
export function planName(cost: SearchCost): string {
  const plan = cost.plan;
  if (plan.kind === "table") return "table";
  if (plan.kind === "postings") return `postings:${plan.order}`;
  return `rings:${plan.filtered ? "filtered" : "location"} rings=${cost.rings?.join(",") ?? ""}`;
}

/** Most rings one page reads; the last one reaches the search radius. */
const MAX_RINGS = 12;
/**
 * Rows a distance page plans to read per item asked for: four fifths of the target every search
 * is held to (20 per item), so what the density and share estimates get wrong stays within it.
 */
const ROWS_PER_ITEM = 16;
/** Part of what is left of the budget one ring statement may read at most. */
const RING_BUDGET_SHARE = 0.6;
/** Part of that a ring is sized to read (densities are estimates: a ring that holds more than its cap is read again). */
const RING_PLAN_SHARE = 0.6;
/** Thinnest ring: one metre (a ring sized by a density far above the real one still moves outwards). */
const MIN_RING_KM = 0.001;
/** A seq larger than any: a ring's lower bound excludes everything at exactly that distance. */
const AFTER_EVERY_SEQ = Number.MAX_SAFE_INTEGER;

function parseRows(rows: Record<string, unknown>[]) {
  return rows.map((row) => SearchRowSchema.parse(row));
}

/**
 * A page of published vacancies for `search`, newest, best paid or nearest first, with keyset
 * cursors for each order. Returns what it cost in D1 rows read.
 */
export async function searchVacancies(deps: Deps, search: VacancySearch, cursor: string | undefined): Promise<{ page: Page<VacancyView>; cost: SearchCost }> {
  const db = deps.db;
  // Search as you type: only the last word is a prefix.
  const text = search.text ? ftsQuery(search.text, { maxTerms: MAX_SEARCH_TERMS, prefix: "last" }) : null;
  const keys = countKeys(search);
  const counted = keys.length > 0 ? await readSearchCounts(db, keys) : { counts: new Map<string, number>(), rowsRead: 0 };
  const plan = planSearch(search, counted.counts, { byFilters: hasNonGeoFilters(search, text) });
  const cost: SearchCost = { rowsRead: counted.rowsRead, statements: keys.length > 0 ? 1 : 0, plan };
  if (search.text && text === null) return { page: { items: [], nextCursor: null }, cost };
  const run = async (query: SQL) => {
    const result = await runSearchQuery(db, query);
    cost.rowsRead += result.rowsRead;
    cost.statements += 1;
    return parseRows(result.rows);
  };
  const page = search.limit + 1;
  const candidatesOf = async (query: SQL) => {
    const result = await runSearchQuery(db, query);
    cost.rowsRead += result.rowsRead;
    cost.statements += 1;
    return result.rows.map((row) => CandidateSchema.parse(row));
  };

  if (plan.kind === "table") {
    const rows = await run(newestTableQuery(page, decodeCursor(cursor, NewestCursor)));
    return { page: pageOf(rows, search.limit, (last) => ({ s: last.seq })), cost };
  }

  if (plan.kind === "postings") {
    const geo = search.geo ? geoCover(search.geo.center, search.geo.radiusKm) : undefined;
    const match = facetsMatch(search, text, geo)!;
    if (plan.order === "salary") {
      const after = decodeCursor(cursor, SalaryCursor);
      const rows = await run(postingsQuery(search, "salary", match, after && salaryKey(after.m, after.s), page));
      return { page: pageOf(rows, search.limit, (last) => ({ m: last.salary_max_year!, s: last.seq })), cost };
    }
    const after = decodeCursor(cursor, NewestCursor);
    const rows = await run(postingsQuery(search, "newest", match, after && BigInt(after.s), page));
    return { page: pageOf(rows, search.limit, (last) => ({ s: last.seq })), cost };
  }

  // Distance order: annuli outwards from the cursor, each sized by the density of locations and the share of them that match.
  const { center, radiusKm } = search.geo!;
  const after = decodeCursor(cursor, DistanceCursor);
  const rows: Candidate[] = [];
  let from = after ? { d: after.d, s: after.s } : { d: -1, s: 0 };
  const match = plan.filtered ? facetsMatch({ ...search, geo: undefined }, text, undefined)! : undefined;
  // What the rings may read: ROWS_PER_ITEM per item asked for, less the page's own rows (a search, vacancy and company row each).
  const budget = ROWS_PER_ITEM * search.limit - 3 * search.limit;
  let observedDensity: number | undefined;
  // Matches found and locations read by this page's rings: the share of locations the filters keep.
  let matched = 0;
  let looked = 0;
  // Before this page's rings tell: the share the pages before saw (weighed as 100 locations), else a quarter (as 4).
  const priorShare = after?.f ?? 0.25;
  const priorWeight = after?.f !== undefined ? 100 : 4;
  let done = false;
  let progressed = false;
  let overflows = 0;
  cost.rings = [];
  for (let ring = 1; ring <= MAX_RINGS || !progressed; ring++) {
    // (A ring read again thinner counts as a ring: MAX_RINGS bounds the statements.)
    const inner = Math.max(0, from.d);
    // A cursor beyond the radius: nothing is left.
    if (inner > radiusKm) {
      done = true;
      break;
    }
    const needed = page - rows.length;
    const remaining = budget - cost.rowsRead;
    // Rings are read until one is complete, so every page moves on; further ones only within the budget.
    if (progressed && remaining < needed) break;
    const share = plan.filtered ? (matched + priorWeight * priorShare) / (looked + priorWeight) : 1;
    // Locations per km² at a circle: before any ring of this page has read, the densest of the centre's cell and the
    // counted cells on the circle (an estimate too high costs a ring more, one too low reads more than the budget);
    // after, what the last ring read, unless the cells ahead are far denser (a ring entering a city).
    const densityAt = (km: number) =>
      observedDensity === undefined
        ? Math.max(plan.densityKm2, densityOnCircle(search, counted.counts, km))
        : Math.max(observedDensity, densityOnCircle(search, counted.counts, km) / 8);
    /** The ring from `inner` holding about `locations` locations, sized by the density at both its circles. */
    const ringTo = (locations: number) => {
      let density = densityAt(inner);
      let outer = inner;
      for (let pass = 0; pass < 2; pass++) {
        outer = Math.min(radiusKm, Math.max(Math.sqrt(inner * inner + locations / Math.max(density, 1e-12) / Math.PI), inner + MIN_RING_KM));
        density = Math.max(density, densityAt(outer));
      }
      return { outer, density };
    };
    const spendable = Math.max(needed, RING_BUDGET_SHARE * remaining);
    // Through the R*Tree (each location read once, probed for the filters for free): as many locations as the matches need, within the budget.
    // Matches to aim for: enough that a ring sized by a fair estimate is rarely short (a second ring
    // reads its strips' edges again), about two standard deviations over half as many again as needed.
    const aim = 1.5 * needed + 2 * Math.sqrt(needed) + 3;
    const viaTree = ringTo(Math.min(aim / share, RING_PLAN_SHARE * spendable));
    let outer = viaTree.outer;
    let cells: string[] | null = null;
    // (Cells read again twice give way to the R*Tree, whose rings shrink.)
    if (plan.filtered && overflows < 2) {
      // Through the posting lists: only matches are read (twice: the posting and its search row), but whole cells of them.
      // Sized so its expected matches cost half of what a tree ring may read; chosen when it reaches farther for that
      // (its statement is capped as well, so a share estimated too low costs a ring read again, not more than the budget).
      const viaPostings = ringTo(Math.min(aim, (RING_PLAN_SHARE * spendable) / 2) / share);
      const cover = geoCover(center, viaPostings.outer, inner, MAX_RING_GEO_CELLS);
      const postingsCost = cover ? 2 * share * viaPostings.density * coverAreaKm2(cover, center) : Infinity;
      if (postingsCost <= RING_PLAN_SHARE * spendable && viaPostings.outer > viaTree.outer) {
        outer = viaPostings.outer;
        cells = cover;
      }
    }
    cost.rings.push(`${cells ? "p" : "r"}${Math.round(outer * 1000) / 1000}`);
    const annulus = Math.PI * (outer * outer - inner * inner);
    // Each ring statement reads at most what the budget lets it (a posting-list match costs two rows): a ring that
    // holds more (a crowd denser than any estimate) is read again thinner, unless it cannot be (points at one distance).
    // (Not a ring too thin to shrink: what its rectangles hold closer than the cursor does not shrink with it.)
    const area = cells ? undefined : geoArea(center, inner, outer, densityAt(inner));
    const capped = outer - inner > 2 * MIN_RING_KM;
    const cap = capped ? Math.max(needed, Math.floor(cells ? spendable / 2 : spendable)) : Number.MAX_SAFE_INTEGER - 1;
    let read: Candidate[] = [];
    if (cells) {
      if (cells.length > 0) read = await candidatesOf(ringPostingsQuery(search, facetsMatch(search, text, cells)!, cap));
    } else if (area && area.rects.length > 0) {
      // (No rectangle: every one of the ring's lies closer than the cursor, nothing to read.)
      read = await candidatesOf(ringGeoQuery(search, area, cap, match));
    }
    if (read.length > cap) {
      overflows += 1;
      // More than `cap` in the ring: the next one is at least four times thinner in area.
      observedDensity = Math.max(observedDensity ?? 0, densityAt(inner), (4 * cap) / annulus);
      cost.rings[cost.rings.length - 1] += "!";
      continue;
    }
    const inRing = read.filter((c) => c.distance_km <= outer && (c.distance_km > from.d || (c.distance_km === from.d && c.seq > from.s)));
    const candidates = inRing.filter((c) => c.hit);
    // Nearest first, ties by seq: the order cursors continue.
    const found = candidates.sort((a, b) => a.distance_km - b.distance_km || a.seq - b.seq).slice(0, needed);
    rows.push(...found);
    if (cells) {
      looked += annulus * densityAt(inner);
    } else {
      // What the ring saw, weighed against the estimate it was sized by as if that had been three locations seen:
      // a thin ring sees few, and a density estimated too low reads more than the budget.
      const prior = densityAt(inner);
      observedDensity = (inRing.length + 3) / (annulus + 3 / prior);
      looked += inRing.length;
    }
    matched += candidates.length;
    progressed = true;
    overflows = 0;
    if (rows.length >= page) break;
    from = { d: outer, s: AFTER_EVERY_SEQ };
    if (outer >= radiusKm) {
      done = true;
      break;
    }
  }
  const kept = rows.slice(0, search.limit);
  const last = kept.at(-1);
  // A page the budget cut short ends where its rings did: the next one starts there.
  const position = rows.length > search.limit && last ? { d: last.distance_km, s: last.seq } : done ? null : from;
  const keptShare = plan.filtered ? Math.min(1, Math.max(0.0005, (matched + priorWeight * priorShare) / (looked + priorWeight))) : undefined;
  const next = position && { ...position, ...(keptShare !== undefined ? { f: Math.round(keptShare * 1e4) / 1e4 } : {}) };
  const read = kept.length > 0 ? await run(distancePageQuery(kept)) : [];
  const bySeq = new Map(read.map((row) => [row.seq, row]));
  const items = kept.flatMap((item) => bySeq.get(item.seq) ?? []);
  return { page: { items: items.map(vacancyViewOfSearchRow), nextCursor: next && encodeCursor(next) }, cost };
}

/** The area of the cells a geo clause names (its tokens say their level and row). */
function coverAreaKm2(tokens: string[], center: Point): number {
  const level = Number(/^g(\d+)/.exec(tokens[0] ?? "")?.[1] ?? 0);
  const sideKm = 0.0025 * 4 ** level * (Math.PI / 180) * EARTH_RADIUS_KM;
  return tokens.length * sideKm * sideKm * Math.max(0.01, Math.cos(toRadians(center.lat)));
}

/** Rows a ring may read beyond its annulus, where its strips cross the circles (the strip width follows). */
const STRIP_WASTE_ROWS = 8;
/** Most rectangles a ring names, and most bytes they may take (D1 refuses statements over 100 kB). */
const MAX_RECTS = 2000;
const MAX_RECT_BYTES = 75_000;

/**
 * What a ring reads of the R*Tree: strips across the annulus (`ringRects`) about as wide as
 * keeps what they read beyond it near STRIP_WASTE_ROWS at the density expected there (about
 * 0.5 x circumference x width x density), no narrower than MAX_RECTS allows. (Never a bounding
 * box: near a pole or across the globe, one holds rows no cap bounds.)
 */
function geoArea(center: Point, innerKm: number, outerKm: number, densityKm2: number): { rects: StoredBoundsRect[]; stripKm: number } {
  const circumference = 2 * Math.PI * outerKm;
  // About 5.7 rectangles per strip width of radius: rows on both sides of the hole, columns in both caps.
  // No wider than a quarter of the inner radius, or strips would reach across the part already paged through,
  // but never so thin that MAX_RECTS cannot hold them: with an inner radius near zero (a cursor a centimetre
  // from the centre) strips sized by it alone would number millions. Wider strips only read the tiny disc
  // inside the cursor again, which the ring's statement and the filter below drop.
  const floorKm = (6 * outerKm) / MAX_RECTS;
  const wantedKm = Math.min(innerKm > 0 ? innerKm / 4 : outerKm, STRIP_WASTE_ROWS / (0.5 * circumference * Math.max(densityKm2, 1e-12)));
  let stripKm = Math.max(floorKm, wantedKm);
  for (;;) {
    const rects = ringRects(center, innerKm, outerKm, stripKm);
    // (Rows count at most 400 whatever the strip: near a pole or across the globe's quarter.)
    if (!rects) return { rects: latitudeRowRects(center, innerKm, outerKm, wantedKm), stripKm: wantedKm };
    if (rects.length <= MAX_RECTS && rectValues(rects).sql.length <= MAX_RECT_BYTES) return { rects, stripKm };
    stripKm *= 1.25;
  }
}

type SearchRow = z.output<typeof SearchRowSchema>;

function pageOf(rows: SearchRow[], limit: number, cursorOf: (last: SearchRow) => unknown): Page<VacancyView> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(vacancyViewOfSearchRow), nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
