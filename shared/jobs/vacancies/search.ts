import { z } from "zod";
import type { Database } from "../../db/client";
import { decodeCursor, encodeCursor, type Page } from "../../http/pagination";
import type { SQL } from "drizzle-orm";
import { annulusRects, type BoundingBox, boundingBox, type Point } from "../geo";
import { type GeoArea, newestTableQuery, postingsQuery, readSearchCounts, ringGeoQuery, ringPostingsQuery, runSearchQuery } from "./records";
import { facetsMatch, geoCover, hasNonGeoFilters, salaryKey } from "./search-facets";
import { countKeys, planSearch, type SearchPlan, type VacancySearch } from "./search-plan";
import { type VacancyView, vacancyViewOfSearchRow, SearchRowSchema } from "./vacancy-view";

export type { VacancySearch } from "./search-plan";

/**
 * The FTS5 query for user text: every word becomes a quoted string (so `OR`, `NEAR`, `-`, `*`,
 * `:` and quotes are plain text, never operators), all words must match, and the last one is a
 * prefix (search as you type). Diacritics and case are folded by the tokenizer on both sides.
 * Null when the text has no word at all.
 */
export function ftsQuery(text: string): string | null {
  const words = text.normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 12);
  if (words.length === 0) return null;
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}

const NewestCursor = z.object({ s: z.number().int() });
const SalaryCursor = z.object({ m: z.number().int(), s: z.number().int() });
const DistanceCursor = z.object({ d: z.number().min(0), s: z.number().int() });

/** Rows read by every statement of one search, and how it was planned: what the bench prints. */
export interface SearchCost {
  rowsRead: number;
  statements: number;
  plan: SearchPlan;
  /** For distance order: the outer radius of each ring read, in km. */
  rings?: number[];
}

/** `plan=...` of the server-timing header. */
export function planName(cost: SearchCost): string {
  const plan = cost.plan;
  if (plan.kind === "table") return "table";
  if (plan.kind === "postings") return `postings:${plan.order}`;
  return `rings:${plan.via} rings=${cost.rings?.join(",") ?? ""}`;
}

/** Most rings one page reads; the last one reaches the search radius. */
const MAX_RINGS = 12;
/** Share of the vacancies near the point a filtered distance search expects to match, before its first ring tells. */
const FILTERED_SHARE_GUESS = 0.25;
/** A seq larger than any: a ring's lower bound excludes everything at exactly that distance. */
const AFTER_EVERY_SEQ = Number.MAX_SAFE_INTEGER;

function parseRows(rows: Record<string, unknown>[]) {
  return rows.map((row) => SearchRowSchema.parse(row));
}

/**
 * A page of published vacancies for `search`, newest, best paid or nearest first, with keyset
 * cursors for each order. Returns what it cost in D1 rows read.
 */
export async function searchVacancies(db: Database, search: VacancySearch, cursor: string | undefined): Promise<{ page: Page<VacancyView>; cost: SearchCost }> {
  const text = search.text ? ftsQuery(search.text) : null;
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

  // Distance order: annuli outwards from the cursor, each sized by the density of matches seen so far.
  const { center, radiusKm } = search.geo!;
  const after = decodeCursor(cursor, DistanceCursor);
  const rows: SearchRow[] = [];
  let from = after ? { d: after.d, s: after.s } : { d: -1, s: 0 };
  let density = plan.densityKm2 * (plan.via === "postings" ? FILTERED_SHARE_GUESS : 1);
  cost.rings = [];
  for (let ring = 1; ; ring++) {
    const inner = Math.max(0, from.d);
    // A cursor beyond the radius: nothing is left.
    if (inner > radiusKm) break;
    const needed = page - rows.length;
    const wantedArea = (1.5 * needed) / Math.max(density, 1e-12);
    let outer = Math.sqrt(inner * inner + wantedArea / Math.PI);
    outer = ring >= MAX_RINGS ? radiusKm : Math.min(radiusKm, Math.max(outer, inner * 1.01 + 0.01));
    cost.rings.push(Math.round(outer * 1000) / 1000);
    const box = boundingBox(center, outer);
    const cells = plan.via === "postings" ? geoCover(center, outer, inner) : undefined;
    // Every cell of the ring's box lies closer than the cursor: nothing to read in this ring.
    const found =
      cells?.length === 0
        ? []
        : plan.via === "postings"
          ? await run(ringPostingsQuery(search, facetsMatch(search, text, cells)!, { from, toKm: outer }, needed))
          : await run(ringGeoQuery(center, geoArea(box, center, inner, outer, density), { from, toKm: outer }, needed));
    rows.push(...found);
    if (rows.length >= page || outer >= radiusKm) break;
    const annulus = Math.PI * (outer * outer - inner * inner);
    density = found.length > 0 ? found.length / annulus : density / 4;
    from = { d: outer, s: AFTER_EVERY_SEQ };
  }
  return { page: pageOf(rows, search.limit, (last) => ({ d: last.distance_km!, s: last.seq })), cost };
}

/**
 * What a ring reads of the R*Tree: its bounding box when it starts at the point (the corners cost
 * little), else the annulus in rows of latitude, as many as balance the rows' ragged edges
 * against the JSON list that drives them (each rectangle is a row read); the bounding box near
 * the poles and the antimeridian.
 */
function geoArea(box: BoundingBox, center: Point, innerKm: number, outerKm: number, densityKm2: number): GeoArea {
  if (innerKm <= 0) return { box };
  const rows = Math.round(Math.min(32, Math.max(4, Math.sqrt(2 * densityKm2 * innerKm * innerKm))));
  const rects = annulusRects(center, innerKm, outerKm, rows);
  return rects ? { rects } : { box };
}

type SearchRow = z.output<typeof SearchRowSchema>;

function pageOf(rows: SearchRow[], limit: number, cursorOf: (last: SearchRow) => unknown): Page<VacancyView> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(vacancyViewOfSearchRow), nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
