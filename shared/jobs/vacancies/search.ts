import { z } from "zod";
import type { Database } from "../../db/client";
import { decodeCursor, encodeCursor, type Page } from "../../http/pagination";
import { orderedSearchQuery, readSearchCounts, ringSearchQuery, runSearchQuery } from "./records";
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
  /** For distance order: the radius of each ring read, in km. */
  rings?: number[];
}

function parseRows(rows: Record<string, unknown>[]) {
  return rows.map((row) => SearchRowSchema.parse(row));
}

/**
 * A page of published vacancies for `search`, newest, best paid or nearest first, with keyset
 * cursors for each order. Returns what it cost in D1 rows read.
 */
export async function searchVacancies(db: Database, search: VacancySearch, cursor: string | undefined): Promise<{ page: Page<VacancyView>; cost: SearchCost }> {
  const match = search.text ? ftsQuery(search.text) : null;
  const counted = await readSearchCounts(db, countKeys(search));
  const counts = counted.counts;
  const plan = planSearch(search, counts);
  const cost: SearchCost = { rowsRead: counted.rowsRead, statements: 1, plan };
  if (search.text && match === null) return { page: { items: [], nextCursor: null }, cost };

  if (plan.driver.kind === "rings") {
    const after = decodeCursor(cursor, DistanceCursor);
    const radius = search.geo!.radiusKm;
    let ring = Math.min(radius, Math.sqrt((after?.d ?? 0) ** 2 + (plan.firstRadiusKm ?? radius) ** 2));
    for (;;) {
      cost.rings = [...(cost.rings ?? []), Math.round(ring * 1000) / 1000];
      const result = await runSearchQuery(db, ringSearchQuery(search, match, ring, after, plan.densityKm2));
      cost.rowsRead += result.rowsRead;
      cost.statements += 1;
      const rows = parseRows(result.rows);
      if (rows.length > search.limit || ring >= radius) {
        return { page: pageOf(rows, search.limit, (last) => ({ d: last.distance_km!, s: last.seq })), cost };
      }
      ring = Math.min(radius, ring * 2);
    }
  }

  const after = search.sort === "salary" ? decodeCursor(cursor, SalaryCursor) : decodeCursor(cursor, NewestCursor);
  const result = await runSearchQuery(db, orderedSearchQuery(search, plan.driver, match, after, plan));
  cost.rowsRead += result.rowsRead;
  cost.statements += 1;
  const rows = parseRows(result.rows);
  return {
    page: pageOf(rows, search.limit, (last) => (search.sort === "salary" ? { m: last.salary_max_year!, s: last.seq } : { s: last.seq })),
    cost,
  };
}

type SearchRow = z.output<typeof SearchRowSchema>;

function pageOf(rows: SearchRow[], limit: number, cursorOf: (last: SearchRow) => unknown): Page<VacancyView> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(vacancyViewOfSearchRow), nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
