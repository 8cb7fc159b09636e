import { and, asc, desc, eq, inArray, lt, lte, ne, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { EARTH_RADIUS_KM, type Point, type StoredBoundsRect } from "../geo";
import { SALARY_KEY_SEQ } from "./search-facets";
import type { VacancySearch } from "./search-plan";
import { companies, companyMembers, vacancies, vacancySearch, vacancySearchCounts } from "../../db/schema/jobs";

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
  const [row] = await db
    .select({ vacancy: vacancies, company: companyColumns })
    .from(vacancies)
    .innerJoin(companies, eq(companies.id, vacancies.companyId))
    .where(eq(vacancies.id, id));
  return row;
}

/** A company's vacancies, newest first, optionally in one status (index (company_id, status, id)); `before` is the last id of the previous page. */
export async function listCompanyVacancies(
  db: Database,
  companyId: string,
  status: VacancyRecord["status"] | undefined,
  before: string | undefined,
  limit: number,
): Promise<VacancyRow[]> {
  return db
    .select({ vacancy: vacancies, company: companyColumns })
    .from(vacancies)
    .innerJoin(companies, eq(companies.id, vacancies.companyId))
    .where(and(eq(vacancies.companyId, companyId), status ? eq(vacancies.status, status) : undefined, before ? lt(vacancies.id, before) : undefined))
    .orderBy(desc(vacancies.id))
    .limit(limit);
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
    db
      .update(vacancies)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(vacancies.id, id), ne(vacancies.status, "closed")))
      .returning({ id: vacancies.id }),
    reindexQuery(db, id),
  ]);
  return updated.length > 0;
}

export async function deleteVacancy(db: Database, id: string): Promise<void> {
  await db.batch([unindexQuery(db, id), db.delete(vacancies).where(eq(vacancies.id, id))]);
}

/**
 * Publishes (or schedules) a draft or scheduled vacancy. An unverified company's slot, and the
 * publisher's, are taken in the same statement that changes the status: the counts of published
 * and scheduled vacancies (the company's, and those of every unverified company the publisher
 * belongs to) are read inside the update, and D1 runs one statement at a time, so parallel publishes cannot
 * both take the last slot.
 */
export async function publishVacancy(
  db: Database,
  id: string,
  companyId: string,
  userId: string,
  target: { status: "published" | "scheduled"; publishAt: Date | null },
  cap: number,
  now: Date,
): Promise<boolean> {
  const verified = sql`exists (select 1 from ${companies} where ${companies.id} = ${companyId} and ${companies.verification} = 'verified')`;
  const taken = sql`(select count(*) from vacancies o where o.company_id = ${companyId} and o.status in ('published', 'scheduled') and o.id <> ${id})`;
  // The publisher's slots: every published or scheduled vacancy of an unverified company they belong to (five companies do not give fifteen).
  const takenByUser = sql`(select count(*) from vacancies o join company_members m on m.company_id = o.company_id and m.user_id = ${userId}
    join companies oc on oc.id = o.company_id where oc.verification <> 'verified' and o.status in ('published', 'scheduled') and o.id <> ${id})`;
  const [updated] = await db.batch([
    db
      .update(vacancies)
      .set({ status: target.status, publishAt: target.publishAt, publishedAt: target.status === "published" ? now : null, updatedAt: now })
      .where(
        and(eq(vacancies.id, id), inArray(vacancies.status, ["draft", "scheduled"]), sql`(${verified} or (${taken} < ${cap} and ${takenByUser} < ${cap}))`),
      )
      .returning({ id: vacancies.id }),
    indexPublishedQuery(db, id),
  ]);
  return updated.length > 0;
}

export async function closeVacancy(db: Database, id: string, now: Date): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(vacancies)
      .set({ status: "closed", closedAt: now, updatedAt: now })
      .where(and(eq(vacancies.id, id), ne(vacancies.status, "closed")))
      .returning({ id: vacancies.id }),
    unindexQuery(db, id),
  ]);
  return updated.length > 0;
}

/** A closed vacancy becomes a draft again (to be edited and published anew); false unless it was closed. */
export async function reopenVacancy(db: Database, id: string, now: Date): Promise<boolean> {
  const updated = await db
    .update(vacancies)
    .set({ status: "draft", closedAt: null, publishAt: null, updatedAt: now })
    .where(and(eq(vacancies.id, id), eq(vacancies.status, "closed")))
    .returning({ id: vacancies.id });
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
  const [row] = await db
    .select({ userId: companyMembers.userId })
    .from(companyMembers)
    .where(and(eq(companyMembers.companyId, companyId), eq(companyMembers.userId, userId)));
  return row !== undefined;
}

/** Empties the search index (its triggers clear the posting lists, the R*Tree and the counts with it). */
export async function clearSearchIndex(db: Database): Promise<void> {
  await db.batch([db.delete(vacancySearch), db.delete(vacancySearchCounts)]);
  // The triggers emptied them row by row; this also clears what a damaged index may hold.
  await db.batch([db.run(sql`delete from vacancy_fts`), db.run(sql`delete from vacancy_salary_fts`), db.run(sql`delete from vacancy_geo`)]);
}

/**
 * Indexes up to `limit` published vacancies after `(publishedAt, id)`, oldest first, so rebuilt
 * `seq`s keep the order of publication. Returns the last one indexed, or null when done.
 */
export async function indexPublishedChunk(
  db: Database,
  after: { t: number; id: string } | null,
  limit: number,
): Promise<{ last: { t: number; id: string }; count: number } | null> {
  const rows = await db
    .select({ id: vacancies.id, publishedAt: vacancies.publishedAt })
    .from(vacancies)
    .where(
      and(
        eq(vacancies.status, "published"),
        after ? sql`(${vacancies.publishedAt} > ${after.t} or (${vacancies.publishedAt} = ${after.t} and ${vacancies.id} > ${after.id}))` : undefined,
      ),
    )
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

/** The density counts for `keys` (distance order), and the rows that cost. */
export async function readSearchCounts(db: Database, keys: readonly string[]): Promise<{ counts: Map<string, number>; rowsRead: number }> {
  // Keys from a VALUES list: D1 counts the lookup of each key but not the list (a json_each would cost a row per key more).
  const list = sql.join(
    keys.map((key) => sql`(${key})`),
    sql`, `,
  );
  const result = await runSearchQuery(db, sql`select c.key as key, c.n as n from (values ${list}) k cross join vacancy_search_counts c on c.key = k.column1`);
  return { counts: new Map(result.rows.map((row) => [String(row.key), Number(row.n)])), rowsRead: result.rowsRead };
}

/** One search statement and what it cost: D1's `rows_read`. */
export async function runSearchQuery(db: Database, query: SQL): Promise<{ rows: Record<string, unknown>[]; rowsRead: number }> {
  const result = await db.run(query);
  return { rows: (result.results ?? []) as Record<string, unknown>[], rowsRead: result.meta?.rows_read ?? 0 };
}

export async function listCompanyVacancyIds(db: Database, companyIds: readonly string[]): Promise<string[]> {
  if (companyIds.length === 0) return [];
  const rows = await db
    .select({ id: vacancies.id })
    .from(vacancies)
    .where(inArray(vacancies.companyId, [...companyIds]));
  return rows.map((r) => r.id);
}

// Search statements. Each reads candidates from one index (the search rows by seq, a posting
// list, the R*Tree), checks what the index narrows only approximately (a geo cell, a salary
// bucket) on the search row `s`, and joins the page's vacancy and company rows by primary key.

const num = (n: number) => sql.raw(String(n));

/** Haversine in SQL over the columns `lat`, `lng` of `alias`, the same order of operations as `distanceKm` (shared/jobs/geo.ts). */
function distanceSql(center: Point, alias: string): SQL {
  const lat1 = (center.lat * Math.PI) / 180;
  const lng1 = (center.lng * Math.PI) / 180;
  const lat = sql.raw(`${alias}.lat`);
  const lng = sql.raw(`${alias}.lng`);
  const h = sql`min(1, pow(sin((radians(${lat}) - ${num(lat1)}) / 2), 2) + ${num(Math.cos(lat1))} * cos(radians(${lat})) * pow(sin((radians(${lng}) - ${num(lng1)}) / 2), 2))`;
  return sql`(2 * ${num(EARTH_RADIUS_KM)} * atan2(sqrt(${h}), sqrt(1 - ${h})))`;
}

/** The exact checks on a candidate search row `s`: what a posting list only narrows to a bucket or a cell. */
function exactSql(search: VacancySearch): SQL[] {
  const where: SQL[] = [sql`1`];
  if (search.salary) {
    where.push(sql`s.salary_currency = ${search.salary.currency}`);
    if (search.salary.minYear !== undefined) where.push(sql`s.salary_max_year >= ${search.salary.minYear}`);
    if (search.salary.maxYear !== undefined) where.push(sql`s.salary_min_year <= ${search.salary.maxYear}`);
  }
  if (search.geo) where.push(sql`${distanceSql(search.geo.center, "s")} <= ${num(search.geo.radiusKm)}`);
  return where;
}

/**
 * Columns of a page row: the vacancy, its company and the keys its cursor is made of. The inner
 * query picks the page (`seq`, `k` the walk's key, `distance_km`); the page's search, vacancy and
 * company rows are read by key.
 */
function pageSql(inner: SQL, order?: SQL): SQL {
  return sql`select p.seq as seq, p.k as k, p.distance_km as distance_km, v.id as id, v.company_id as company_id, c.name as company_name, c.verification = 'verified' as company_verified,
      v.title as title, v.description as description, v.tags as tags, v.role as role, v.employment_type as employment_type, v.seniority as seniority,
      v.salary_min as salary_min, v.salary_max as salary_max, v.salary_currency as salary_currency, v.salary_period as salary_period, v.salary_max_year as salary_max_year,
      v.remote as remote, v.lat as lat, v.lng as lng, v.place as place, v.status as status, v.publish_at as publish_at, v.published_at as published_at,
      v.closed_at as closed_at, v.created_at as created_at, v.updated_at as updated_at
    from (${inner}) p join vacancy_search ps on ps.seq = p.seq join vacancies v on v.id = ps.vacancy_id join companies c on c.id = v.company_id
    ${order ? sql`order by ${order}` : sql``}`;
}

/** Newest first, nothing narrowing: the search rows by `seq`. */
export function newestTableQuery(limit: number, cursor: { s: number } | undefined): SQL {
  const inner = sql`select s.seq as seq, s.seq as k, null as distance_km from vacancy_search s
    ${cursor ? sql`where s.seq < ${cursor.s}` : sql``} order by s.seq desc limit ${num(limit)}`;
  return pageSql(inner, sql`p.seq desc`);
}

/**
 * A walk of a posting list in its rowid order: `vacancy_fts` (rowid = seq, newest first) or
 * `vacancy_salary_fts` (rowid = salary key, best paid first), `match` intersecting the filters.
 * `before`: the cursor's key; only rows with a smaller one.
 */
export function postingsQuery(search: VacancySearch, order: "newest" | "salary", match: string, before: bigint | undefined, limit: number): SQL {
  const table = sql.raw(order === "newest" ? "vacancy_fts" : "vacancy_salary_fts");
  const seqOf = order === "newest" ? sql`f.rowid` : sql`(f.rowid % ${num(SALARY_KEY_SEQ)})`;
  const where = [sql`${table} match ${match}`, ...exactSql(search)];
  if (before !== undefined) where.push(sql`f.rowid < ${sql.raw(before.toString())}`);
  const distance = search.geo ? distanceSql(search.geo.center, "s") : sql`null`;
  const inner = sql`select s.seq as seq, f.rowid as k, ${distance} as distance_km
    from ${table} f cross join vacancy_search s on s.seq = ${seqOf}
    where ${sql.join(where, sql` and `)} order by f.rowid desc limit ${num(limit)}`;
  return pageSql(inner, sql`p.k desc`);
}

/**
 * A ring through the posting lists: `match` names the filters and the ring's cells. Yields the
 * matches of those cells (what passes the exact checks), at most `cap` + 1 of them, unordered;
 * the caller keeps those within the ring. Each costs two rows: its posting and its search row.
 */
export function ringPostingsQuery(search: VacancySearch, match: string, cap: number): SQL {
  const distance = distanceSql(search.geo!.center, "s");
  return sql`select s.seq as seq, ${distance} as distance_km, 1 as hit from vacancy_fts f cross join vacancy_search s on s.seq = f.rowid
    where vacancy_fts match ${match} and ${sql.join(exactSql(search), sql` and `)} limit ${num(cap + 1)}`;
}

/** What a ring reads of the R*Tree: rectangles of stored bounds. */
export type GeoArea = { rects: StoredBoundsRect[] };

/**
 * The R*Tree's points in `area`. Rectangles are disjoint ranges of stored lower bounds,
 * driven by a VALUES list: D1 counts a row for each element a json_each yields but none for
 * the rows of a VALUES clause (a co-routine, no table), so a rectangle costs only the points it
 * holds, and (unlike a compound SELECT, five terms at most) the list may be long.
 */
function geoPointsSql(area: GeoArea): SQL {
  const { sql: values, lat, lng } = rectValues(area.rects);
  const bound = (base: number, column: string) => sql.raw(`(${base} + r.${column}) / 1000000.0`);
  return sql`select g.seq as seq, g.lat as lat, g.lng as lng from (values ${sql.raw(values)}) r cross join vacancy_geo g
    on g.south >= ${bound(lat, "column1")} and g.south < ${bound(lat, "column2")} and g.west >= ${bound(lng, "column3")} and g.west < ${bound(lng, "column4")}`;
}

/**
 * Rectangles as a VALUES list of whole millionths of a degree from a base point: their bounds are
 * such multiples (geo.ts), so (base + offset) / 1e6 in SQL is the very bound JS computed, shared
 * edges stay shared, and a rectangle takes about 30 bytes of the statement.
 */
export function rectValues(rects: readonly StoredBoundsRect[]): { sql: string; lat: number; lng: number } {
  const micro = (x: number) => Math.round(x * 1e6);
  const lat = micro(rects[0]?.south ?? 0);
  const lng = micro(rects[0]?.west ?? 0);
  const text = rects.map((r) => `(${micro(r.south) - lat},${micro(r.north) - lat},${micro(r.west) - lng},${micro(r.east) - lng})`).join(",");
  return { sql: text, lat, lng };
}

/**
 * A ring through the R*Tree of locations: every location in `area`, at most `cap` + 1 of them,
 * unordered, each with its distance and whether it matches (`hit`); the caller keeps those
 * within the ring. With other filters, `match` names them, and each location is probed in the
 * posting lists by rowid: D1 counts no row for a probe (FTS5 finds the rowid in its lists; the
 * EXISTS stops at the first answer), so the ring costs the locations it reads whatever the
 * filters (and a search row for each match when a salary must be checked exactly).
 */
export function ringGeoQuery(search: VacancySearch, area: GeoArea, cap: number, match?: string): SQL {
  const distance = distanceSql(search.geo!.center, "g");
  const checks: SQL[] = [];
  if (match) checks.push(sql`exists (select 1 from vacancy_fts f where vacancy_fts match ${match} and f.rowid = g.seq)`);
  if (search.salary)
    checks.push(sql`exists (select 1 from vacancy_search s where s.seq = g.seq and ${sql.join(exactSql({ ...search, geo: undefined }), sql` and `)})`);
  const hit = checks.length > 0 ? sql.join(checks, sql` and `) : sql`1`;
  return sql`select g.seq as seq, ${distance} as distance_km, ${hit} as hit from (${geoPointsSql(area)}) g limit ${num(cap + 1)}`;
}

/**
 * The rows of a page of a distance order, read by `seq` (its search, vacancy and company rows).
 * A ring's candidates come unsorted and are ordered by the caller: in SQL, an ORDER BY ... LIMIT
 * costs a row read for each candidate past the limit and each one it yields.
 */
export function distancePageQuery(items: readonly { seq: number; distance_km: number }[]): SQL {
  const values = sql.join(
    items.map((item) => sql`(${num(item.seq)}, ${num(item.distance_km)})`),
    sql`, `,
  );
  return pageSql(sql`select column1 as seq, null as k, column2 as distance_km from (values ${values})`);
}
