import { and, asc, eq, inArray, lte, ne, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { boundingBox, type BoundingBox, COARSE_GRID, EARTH_RADIUS_KM, FINE_GRID } from "../geo";
import type { Driver, VacancySearch } from "./search-plan";
import { companies, companyMembers, vacancies, vacancySearch, vacancySearchCounts, vacancySearchTags } from "../../db/schema";

export type VacancyRecord = typeof vacancies.$inferSelect;
export type NewVacancyRecord = typeof vacancies.$inferInsert;

export interface VacancyRow {
  vacancy: VacancyRecord;
  company: { id: string; name: string; verification: "none" | "pending" | "verified" | "rejected" };
}

const companyColumns = { id: companies.id, name: companies.name, verification: companies.verification };

export async function insertVacancy(db: Database, vacancy: NewVacancyRecord): Promise<void> {
  await db.insert(vacancies).values(vacancy);
}

export async function findVacancyRow(db: Database, id: string): Promise<VacancyRow | undefined> {
  const [row] = await db.select({ vacancy: vacancies, company: companyColumns }).from(vacancies).innerJoin(companies, eq(companies.id, vacancies.companyId)).where(eq(vacancies.id, id));
  return row;
}

export async function findVacancyRows(db: Database, ids: readonly string[]): Promise<VacancyRow[]> {
  if (ids.length === 0) return [];
  return db.select({ vacancy: vacancies, company: companyColumns }).from(vacancies).innerJoin(companies, eq(companies.id, vacancies.companyId)).where(inArray(vacancies.id, [...ids]));
}

/** vacancy_search's columns (schema order, `seq` left to SQLite) from a vacancy `v` and its company `c`. */
const SEARCH_ROW_COLUMNS = sql`null, v.id, v.company_id, c.verification = 'verified', v.role, v.employment_type, v.seniority, v.remote, v.salary_currency, v.salary_min_year, v.salary_max_year,
  v.lat, v.lng, v.cell, v.coarse_cell, v.tags, v.title, v.description, (select coalesce(group_concat(value, ' '), '') from json_each(v.tags)), v.published_at`;

/** The search row of a published vacancy, built from its vacancy and company rows; nothing when it is not published or is indexed already. */
function indexPublishedQuery(db: Database, vacancyId: string) {
  return db.insert(vacancySearch).select(sql`select ${SEARCH_ROW_COLUMNS} from vacancies v join companies c on c.id = v.company_id
    where v.id = ${vacancyId} and v.status = 'published' and not exists (select 1 from vacancy_search s where s.vacancy_id = v.id)`);
}

/** Rewrites the search row of a published vacancy from its vacancy row (its `seq`, the newest-first position, stays). */
function reindexQuery(db: Database, vacancyId: string) {
  const from = (column: SQL) => sql`(select ${column} from vacancies v where v.id = ${vacancySearch.vacancyId})`;
  return db
    .update(vacancySearch)
    .set({
      role: from(sql`v.role`),
      employmentType: from(sql`v.employment_type`),
      seniority: from(sql`v.seniority`),
      remote: from(sql`v.remote`),
      salaryCurrency: from(sql`v.salary_currency`),
      salaryMinYear: from(sql`v.salary_min_year`),
      salaryMaxYear: from(sql`v.salary_max_year`),
      lat: from(sql`v.lat`),
      lng: from(sql`v.lng`),
      cell: from(sql`v.cell`),
      coarseCell: from(sql`v.coarse_cell`),
      tags: from(sql`v.tags`),
      title: from(sql`v.title`),
      description: from(sql`v.description`),
      tagsText: from(sql`(select coalesce(group_concat(value, ' '), '') from json_each(v.tags))`),
    })
    .where(eq(vacancySearch.vacancyId, vacancyId));
}

function unindexQuery(db: Database, vacancyId: string) {
  return db.delete(vacancySearch).where(eq(vacancySearch.vacancyId, vacancyId));
}

export type VacancyChanges = Partial<Omit<NewVacancyRecord, "id" | "companyId" | "status" | "createdBy" | "createdAt" | "publishedAt" | "closedAt">>;

/** Edits a vacancy that is not closed; a published one's search row follows in the same batch. */
export async function updateVacancy(db: Database, id: string, changes: VacancyChanges, now: Date): Promise<boolean> {
  const [updated] = await db.batch([
    db.update(vacancies).set({ ...changes, updatedAt: now }).where(and(eq(vacancies.id, id), ne(vacancies.status, "closed"))).returning({ id: vacancies.id }),
    reindexQuery(db, id),
  ]);
  return updated.length > 0;
}

export async function deleteVacancy(db: Database, id: string): Promise<void> {
  await db.batch([unindexQuery(db, id), db.delete(vacancies).where(eq(vacancies.id, id))]);
}

/**
 * Publishes (or schedules) a draft or scheduled vacancy. An unverified company's slot is taken in
 * the same statement that changes the status: the count of its published and scheduled vacancies
 * is read inside the update, and D1 runs one statement at a time, so parallel publishes cannot
 * both take the last slot.
 */
export async function publishVacancy(db: Database, id: string, companyId: string, target: { status: "published" | "scheduled"; publishAt: Date | null }, cap: number, now: Date): Promise<boolean> {
  const verified = sql`exists (select 1 from ${companies} where ${companies.id} = ${companyId} and ${companies.verification} = 'verified')`;
  const taken = sql`(select count(*) from vacancies o where o.company_id = ${companyId} and o.status in ('published', 'scheduled') and o.id <> ${id})`;
  const [updated] = await db.batch([
    db
      .update(vacancies)
      .set({ status: target.status, publishAt: target.publishAt, publishedAt: target.status === "published" ? now : null, updatedAt: now })
      .where(and(eq(vacancies.id, id), inArray(vacancies.status, ["draft", "scheduled"]), sql`(${verified} or ${taken} < ${cap})`))
      .returning({ id: vacancies.id }),
    indexPublishedQuery(db, id),
  ]);
  return updated.length > 0;
}

export async function closeVacancy(db: Database, id: string, now: Date): Promise<boolean> {
  const [updated] = await db.batch([
    db.update(vacancies).set({ status: "closed", closedAt: now, updatedAt: now }).where(and(eq(vacancies.id, id), ne(vacancies.status, "closed"))).returning({ id: vacancies.id }),
    unindexQuery(db, id),
  ]);
  return updated.length > 0;
}

/** Scheduled vacancies whose time has come, oldest first. */
export async function listDuePublications(db: Database, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: vacancies.id })
    .from(vacancies)
    .where(and(eq(vacancies.status, "scheduled"), lte(vacancies.publishAt, now)))
    .orderBy(asc(vacancies.publishAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Publishes one due scheduled vacancy (its slot was taken when it was scheduled); false if it changed meanwhile. */
export async function publishDue(db: Database, id: string, now: Date): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(vacancies)
      .set({ status: "published", publishedAt: now, updatedAt: now })
      .where(and(eq(vacancies.id, id), eq(vacancies.status, "scheduled"), lte(vacancies.publishAt, now)))
      .returning({ id: vacancies.id }),
    indexPublishedQuery(db, id),
  ]);
  return updated.length > 0;
}

export async function isCompanyMember(db: Database, companyId: string, userId: string): Promise<boolean> {
  const [row] = await db.select({ userId: companyMembers.userId }).from(companyMembers).where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.userId, userId)));
  return row !== undefined;
}

/** Empties the search index (its triggers clear the full-text index, postings and counts with it). */
export async function clearSearchIndex(db: Database): Promise<void> {
  await db.batch([db.delete(vacancySearch), db.delete(vacancySearchTags), db.delete(vacancySearchCounts)]);
  // The triggers emptied it row by row; this also clears what a damaged index may hold.
  await db.run(sql`delete from vacancy_fts`);
}

/**
 * Indexes up to `limit` published vacancies after `(publishedAt, id)`, oldest first, so rebuilt
 * `seq`s keep the order of publication. Returns the last one indexed, or null when done.
 */
export async function indexPublishedChunk(db: Database, after: { t: number; id: string } | null, limit: number): Promise<{ last: { t: number; id: string }; count: number } | null> {
  const rows = await db
    .select({ id: vacancies.id, publishedAt: vacancies.publishedAt })
    .from(vacancies)
    .where(and(eq(vacancies.status, "published"), after ? sql`(${vacancies.publishedAt} > ${after.t} or (${vacancies.publishedAt} = ${after.t} and ${vacancies.id} > ${after.id}))` : undefined))
    .orderBy(asc(vacancies.publishedAt), asc(vacancies.id))
    .limit(limit);
  const last = rows.at(-1);
  if (!last) return null;
  const ids = rows.map((r) => r.id);
  await db.insert(vacancySearch).select(sql`select ${SEARCH_ROW_COLUMNS} from vacancies v join companies c on c.id = v.company_id
    where v.id in (select value from json_each(${JSON.stringify(ids)})) and v.status = 'published'
      and not exists (select 1 from vacancy_search s where s.vacancy_id = v.id)
    order by v.published_at, v.id`);
  return { last: { t: last.publishedAt!.getTime(), id: last.id }, count: rows.length };
}

/** The planner's counts for `keys`, and the rows that cost. */
export async function readSearchCounts(db: Database, keys: readonly string[]): Promise<{ counts: Map<string, number>; rowsRead: number }> {
  const result = await runSearchQuery(db, sql`select key, n from vacancy_search_counts where key in (select value from json_each(${JSON.stringify(keys)}))`);
  return { counts: new Map(result.rows.map((row) => [String(row.key), Number(row.n)])), rowsRead: result.rowsRead };
}

/** One search statement and what it cost: D1's `rows_read`. */
export async function runSearchQuery(db: Database, query: SQL): Promise<{ rows: Record<string, unknown>[]; rowsRead: number }> {
  const result = await db.run(query);
  return { rows: (result.results ?? []) as Record<string, unknown>[], rowsRead: result.meta?.rows_read ?? 0 };
}

export async function listCompanyVacancyIds(db: Database, companyIds: readonly string[]): Promise<string[]> {
  if (companyIds.length === 0) return [];
  const rows = await db.select({ id: vacancies.id }).from(vacancies).where(inArray(vacancies.companyId, [...companyIds]));
  return rows.map((r) => r.id);
}

// Search statements. Each reads vacancy_search as `s` through the index its plan names
// (search-plan.ts) and joins the page's vacancy and company rows by primary key.

const num = (n: number) => sql.raw(String(n));

/** Haversine in SQL, the same order of operations as `distanceKm` (shared/jobs/geo.ts). */
function distanceSql(center: { lat: number; lng: number }): SQL {
  const lat1 = (center.lat * Math.PI) / 180;
  const lng1 = (center.lng * Math.PI) / 180;
  const h = sql`min(1, pow(sin((radians(s.lat) - ${num(lat1)}) / 2), 2) + ${num(Math.cos(lat1))} * cos(radians(s.lat)) * pow(sin((radians(s.lng) - ${num(lng1)}) / 2), 2))`;
  return sql`(2 * ${num(EARTH_RADIUS_KM)} * atan2(sqrt(${h}), sqrt(1 - ${h})))`;
}

function boxSql(box: BoundingBox): SQL {
  const lng = box.lngRanges.map((r) => sql`s.lng between ${num(r.west)} and ${num(r.east)}`);
  return sql`s.lat between ${num(box.south)} and ${num(box.north)} and (${sql.join(lng, sql` or `)})`;
}

/** Most latitude rows of cells one query lists. */
const MAX_CELL_ROWS = 120;

/**
 * The cell ranges covering the box as a `from` that reads exactly those index ranges (one range
 * scan per row of cells, driven by a JSON list of ranges: SQLite does not range-scan an OR of
 * ranges through a named index). The grid is the one with the fewest expected reads: each range
 * costs a seek, each vacancy in the covered cells a read, so sparse areas read the coarse grid and
 * dense ones the fine grid. Null when even the coarse grid would list more than MAX_CELL_ROWS rows
 * (a box of thousands of kilometres: then the plan reads without a geo index).
 */
function cellsFrom(box: BoundingBox, densityKm2: number): SQL | null {
  let best: { cost: number; from: SQL } | null = null;
  const midLat = (box.south + box.north) / 2;
  for (const [grid, column, index] of [
    [FINE_GRID, "cell", "vacancy_search_cell_idx"],
    [COARSE_GRID, "coarse_cell", "vacancy_search_coarse_cell_idx"],
  ] as const) {
    if (grid.rowCount(box) > MAX_CELL_ROWS) continue;
    const ranges = grid.ranges(box);
    const cells = ranges.reduce((sum, [first, last]) => sum + last - first + 1, 0);
    const cost = 2 * ranges.length + densityKm2 * cells * grid.cellAreaKm2(midLat);
    if (best && best.cost <= cost) continue;
    best = {
      cost,
      from: sql`json_each(${JSON.stringify(ranges)}) r cross join vacancy_search s indexed by ${sql.raw(index)} on s.${sql.raw(column)} between json_extract(r.value, '$[0]') and json_extract(r.value, '$[1]')`,
    };
  }
  return best?.from ?? null;
}

/** The filters every plan applies to a candidate row `s` of vacancy_search. */
function filterSql(search: VacancySearch, match: string | null, driver: Driver, salaryMaxBound?: number): SQL[] {
  const where: SQL[] = [sql`1`];
  if (search.role) where.push(sql`s.role = ${search.role}`);
  if (search.employmentType) where.push(sql`s.employment_type = ${search.employmentType}`);
  if (search.seniority) where.push(sql`s.seniority = ${search.seniority}`);
  if (search.remote !== undefined) where.push(sql`s.remote = ${search.remote ? 1 : 0}`);
  if (search.companyId) where.push(sql`s.company_id = ${search.companyId}`);
  if (search.verified) where.push(sql`s.verified = 1`);
  if (search.salary) {
    where.push(sql`s.salary_currency = ${search.salary.currency}`);
    if (search.salary.minYear !== undefined) where.push(sql`s.salary_max_year >= ${search.salary.minYear}`);
    if (search.salary.maxYear !== undefined) where.push(sql`s.salary_min_year <= ${search.salary.maxYear}`);
    if (salaryMaxBound !== undefined) where.push(sql`s.salary_max_year <= ${salaryMaxBound}`);
  }
  const tags = search.tags ?? [];
  if (tags.length > 0) {
    const list = JSON.stringify(tags);
    if (search.tagsMode === "all") where.push(sql`(select count(*) from json_each(s.tags) where value in (select value from json_each(${list}))) = ${tags.length}`);
    else where.push(sql`exists (select 1 from json_each(s.tags) where value in (select value from json_each(${list})))`);
  }
  if (match !== null && !(driver.kind === "walk" && driver.source === "text")) {
    where.push(sql`s.seq in (select rowid from vacancy_fts where vacancy_fts match ${match})`);
  }
  if (search.geo) {
    where.push(boxSql(boundingBox(search.geo.center, search.geo.radiusKm)));
    where.push(sql`${distanceSql(search.geo.center)} <= ${num(search.geo.radiusKm)}`);
  }
  return where;
}

/**
 * Columns of a page row: the vacancy, its company and the keys its cursor is made of. The inner
 * query picks the page; it names the vacancy itself when it reads search rows anyway, or only
 * `seq` when it reads nothing but an index (then the page's search rows are read by rowid).
 */
function pageSql(inner: SQL, order: SQL, vacancyId: "in-page" | "by-seq"): SQL {
  const join = vacancyId === "in-page" ? sql`join vacancies v on v.id = p.vacancy_id` : sql`join vacancy_search ps on ps.seq = p.seq join vacancies v on v.id = ps.vacancy_id`;
  return sql`select p.seq as seq, p.distance_km as distance_km, v.id as id, v.company_id as company_id, c.name as company_name, c.verification = 'verified' as company_verified,
      v.title as title, v.description as description, v.tags as tags, v.role as role, v.employment_type as employment_type, v.seniority as seniority,
      v.salary_min as salary_min, v.salary_max as salary_max, v.salary_currency as salary_currency, v.salary_period as salary_period, v.salary_max_year as salary_max_year,
      v.remote as remote, v.lat as lat, v.lng as lng, v.place as place, v.status as status, v.publish_at as publish_at, v.published_at as published_at,
      v.closed_at as closed_at, v.created_at as created_at, v.updated_at as updated_at
    from (${inner}) p ${join} join companies c on c.id = v.company_id
    order by ${order}`;
}

/** The statement of a `walk` or `gather` plan (newest or salary order). */
export function orderedSearchQuery(
  search: VacancySearch,
  driver: Exclude<Driver, { kind: "rings" }>,
  match: string | null,
  cursor: { s: number; m?: number } | undefined,
  hints: { densityKm2: number; salaryMaxBound?: number },
): SQL {
  const densityKm2 = hints.densityKm2;
  const where = filterSql(search, match, driver, hints.salaryMaxBound);
  const distance = search.geo ? distanceSql(search.geo.center) : sql`null`;
  let from: SQL;
  let seq = sql`s.seq`;
  switch (driver.source) {
    case "table":
      from = sql`vacancy_search s not indexed`;
      break;
    case "company":
      from = sql`vacancy_search s indexed by vacancy_search_company_idx`;
      break;
    case "tag":
      from = sql`vacancy_search_tags t cross join vacancy_search s on s.seq = t.seq`;
      where.push(sql`t.tag = ${driver.tag!}`);
      seq = sql`t.seq`;
      break;
    case "text":
      if (driver.kind === "walk") {
        from = sql`vacancy_fts cross join vacancy_search s on s.seq = vacancy_fts.rowid`;
        where.push(sql`vacancy_fts match ${match}`);
        seq = sql`vacancy_fts.rowid`;
      } else {
        from = sql`vacancy_search s`;
      }
      break;
    case "salary":
      from = sql`vacancy_search s indexed by vacancy_search_salary_idx`;
      break;
    case "tags":
      from = sql`vacancy_search s`;
      where.push(sql`s.seq in (select seq from vacancy_search_tags where tag in (select value from json_each(${JSON.stringify(search.tags ?? [])})))`);
      break;
    case "geo": {
      from = cellsFrom(boundingBox(search.geo!.center, search.geo!.radiusKm), densityKm2) ?? sql`vacancy_search s`;
      break;
    }
  }
  let order: SQL;
  let outerOrder: SQL;
  if (search.sort === "salary") {
    if (cursor) where.push(sql`s.salary_max_year <= ${cursor.m!} and (s.salary_max_year < ${cursor.m!} or ${seq} < ${cursor.s})`);
    order = sql`s.salary_max_year desc, ${seq} desc`;
    outerOrder = sql`p.salary_max_year desc, p.seq desc`;
  } else {
    if (cursor) where.push(sql`${seq} < ${cursor.s}`);
    order = sql`${seq} desc`;
    outerOrder = sql`p.seq desc`;
  }
  const inner = sql`select ${seq} as seq, s.vacancy_id as vacancy_id, s.salary_max_year as salary_max_year, ${distance} as distance_km
    from ${from} where ${sql.join(where, sql` and `)} order by ${order} limit ${num(search.limit + 1)}`;
  return pageSql(inner, outerOrder, "in-page");
}

/** One ring of a distance search: the square of cells around the point, matches within `ringKm`. */
export function ringSearchQuery(search: VacancySearch, match: string | null, ringKm: number, cursor: { d: number; s: number } | undefined, densityKm2: number): SQL {
  const geo = search.geo!;
  const where = filterSql(search, match, { kind: "rings" });
  const distance = distanceSql(geo.center);
  const box = boundingBox(geo.center, ringKm);
  where.push(sql`${distance} <= ${num(ringKm)}`);
  if (cursor) where.push(sql`(${distance} > ${num(cursor.d)} or (${distance} = ${num(cursor.d)} and s.seq > ${cursor.s}))`);
  const from = cellsFrom(box, densityKm2) ?? sql`vacancy_search s`;
  // Only columns of the cell index (seq is the rowid): rows outside the ring never cost a table read.
  const inner = sql`select s.seq as seq, null as salary_max_year, ${distance} as distance_km
    from ${from} where ${sql.join(where, sql` and `)} order by distance_km, s.seq limit ${num(search.limit + 1)}`;
  return pageSql(inner, sql`p.distance_km, p.seq`, "by-seq");
}

