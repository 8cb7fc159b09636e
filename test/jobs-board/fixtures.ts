import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { COARSE_GRID, distanceKm, FINE_GRID } from "../../shared/jobs-board/geo";
import { rebuildSearchIndex } from "../../shared/jobs-board/vacancies/vacancies";
import { api, json, registerUser, type TestUser } from "../helpers";
import { testDeps } from "../kit/deps";

export { api, json, registerUser, type TestUser };
export { setRole } from "../kit/users";

/** POST/PATCH/... that must answer `status`; returns the JSON body. */
export async function ok<T = any>(response: Promise<Response> | Response, status = 200): Promise<T> {
  const res = await response;
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

export async function createCompany(owner: TestUser, fields: Record<string, unknown> = {}) {
  return ok(api("/v1/companies", { token: owner.accessToken, body: { name: `Company ${Math.random().toString(36).slice(2, 8)}`, ...fields } }), 201);
}

/** `user` joins the company with `role` the only way there is: an owner invites, the user accepts. Returns the company. */
export async function joinCompany(companyId: string, owner: TestUser, user: TestUser, role: "owner" | "recruiter" = "recruiter") {
  await ok(api(`/v1/companies/${companyId}/invitations`, { token: owner.accessToken, body: { userId: user.id, role } }), 201);
  return ok(api(`/v1/companies/${companyId}/invitations/${user.id}/accept`, { method: "POST", token: user.accessToken }));
}

/** How many of the company's vacancies the search index holds (rows of `vacancy_search`). */
export async function indexedVacancies(companyId: string): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM vacancy_search WHERE company_id = ?").bind(companyId).first<{ n: number }>())!.n;
}

/** Marks a company verified without the moderation flow (for search tests). */
export async function verifyCompany(companyId: string): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("UPDATE companies SET verification = 'verified' WHERE id = ?").bind(companyId),
    env.DB.prepare("UPDATE vacancy_search SET verified = 1 WHERE company_id = ?").bind(companyId),
  ]);
}

export interface VacancyInput {
  title?: string;
  description?: string;
  tags?: string[];
  role?: string;
  employmentType?: string;
  seniority?: string;
  salary?: { min: number; max: number; currency: string; period: string } | null;
  remote?: boolean;
  location?: { lat: number; lng: number; place: string } | null;
}

/** A vacancy a test posted: what it asked for (and under which of its two companies), and what came back. */
export interface SeededVacancy {
  spec: VacancyInput & { verified: boolean };
  vacancy: { id: string };
}

/** Lower case without diacritics, as the search folds text. */
const fold = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

/** The text rule written plainly: every word of `q` starts a word of the title, description or tags (the last one may be a prefix). */
function matchesText(spec: VacancyInput, q: string): boolean {
  const words = fold([spec.title ?? "", spec.description ?? "", ...(spec.tags ?? [])].join(" ")).split(/[^\p{L}\p{N}]+/u);
  const asked = fold(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return asked.every((word, i) => words.some((w) => (i === asked.length - 1 ? w.startsWith(word) : w === word)));
}

const PERIODS_PER_YEAR = { hour: 2080, month: 12, year: 1 } as const;

/**
 * What a search must answer, its filters written plainly over the seeded vacancies (sorted ids).
 * `companies` names the verified and unverified company, for a `companyId` filter.
 */
export function expectedIds(seeded: SeededVacancy[], f: Record<string, any>, companies?: { verified: string; unverified: string }): string[] {
  return seeded
    .filter(({ spec }) => {
      if (f.q !== undefined && !matchesText(spec, f.q)) return false;
      const tags = (f.tags as string | undefined)?.split(",");
      if (tags && (f.tagsMode === "all" ? !tags.every((t) => spec.tags!.includes(t)) : !tags.some((t) => spec.tags!.includes(t)))) return false;
      if (f.role && spec.role !== f.role) return false;
      if (f.employmentType && spec.employmentType !== f.employmentType) return false;
      if (f.seniority && spec.seniority !== f.seniority) return false;
      if (f.remote !== undefined && spec.remote !== (f.remote === "true")) return false;
      if (f.verified === "true" && !spec.verified) return false;
      if (f.companyId && companies && f.companyId !== (spec.verified ? companies.verified : companies.unverified)) return false;
      if (f.currency) {
        const s = spec.salary;
        if (!s || s.currency !== f.currency) return false;
        const per = PERIODS_PER_YEAR[s.period as keyof typeof PERIODS_PER_YEAR];
        if (f.salaryMin !== undefined && s.max * per < f.salaryMin) return false;
        if (f.salaryMax !== undefined && s.min * per > f.salaryMax) return false;
      }
      if (f.radiusKm !== undefined && (!spec.location || distanceKm(spec.location, { lat: f.lat, lng: f.lng }) > f.radiusKm)) return false;
      return true;
    })
    .map(({ vacancy }) => vacancy.id)
    .sort();
}

/** Deterministic pseudo-random numbers (xorshift), so a failure can be replayed. */
export function randomSource(seed: number) {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export async function createVacancy(member: TestUser, companyId: string, input: VacancyInput = {}) {
  return ok(
    api("/v1/vacancies", {
      token: member.accessToken,
      body: { companyId, title: "Engineer", role: "backend", employmentType: "full-time", seniority: "senior", ...input },
    }),
    201,
  );
}

export async function publishVacancy(member: TestUser, id: string, publishAt?: string) {
  return ok(api(`/v1/vacancies/${id}/publish`, { token: member.accessToken, body: publishAt ? { publishAt } : {} }));
}

/** Creates and publishes a vacancy. */
export async function postVacancy(member: TestUser, companyId: string, input: VacancyInput = {}) {
  const draft = await createVacancy(member, companyId, input);
  return publishVacancy(member, draft.id);
}

/** A search (`GET /v1/vacancies?…`) that must succeed; returns the page and the rows D1 read. */
export async function search(params: Record<string, string | number | boolean | undefined>, token?: string) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  const res = await api(`/v1/vacancies?${query}`, { token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const timing = res.headers.get("server-timing") ?? "";
  const rowsRead = Number(/rows_read=(\d+)/.exec(timing)?.[1] ?? NaN);
  const plan = /plan=([\w:]+)/.exec(timing)?.[1] ?? "";
  return { ...(JSON.parse(text) as { items: any[]; nextCursor: string | null }), rowsRead, plan };
}

/** Every page of a search, following `nextCursor`. */
export async function searchAll(params: Record<string, string | number | boolean | undefined>, limit: number) {
  const items: any[] = [];
  let cursor: string | undefined;
  // (A distance page may end short of the limit where its row budget ran out: more pages than items / limit.)
  for (let i = 0; i < 1000; i++) {
    const page = await search({ ...params, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error("too many pages");
}

/** Removes every vacancy of this test file's database, and the search index with it. */
export async function clearVacancies(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM vacancy_search"),
    env.DB.prepare("DELETE FROM vacancies"),
    env.DB.prepare("DELETE FROM vacancy_search_counts"),
  ]);
}

export interface BulkVacancy {
  lat?: number;
  lng?: number;
  tags?: string[];
  title?: string;
  /** Yearly EUR range; none without. */
  salary?: [number, number];
  role?: string;
  remote?: boolean;
}

/**
 * `n` published vacancies of `companyId` written straight into D1 (the i-th published i seconds
 * before the first), then indexed by the rebuild: many rows fast. Ids are `bulk-<i>`.
 */
export async function bulkVacancies(companyId: string, n: number, vacancy: (i: number) => BulkVacancy): Promise<void> {
  const now = Date.now();
  const statements = [];
  for (let i = 0; i < n; i++) {
    const v = vacancy(i);
    const p = v.lat !== undefined && v.lng !== undefined ? { lat: v.lat, lng: v.lng } : null;
    const cellOf = (grid: typeof FINE_GRID) => (p ? grid.cellOf(p) : null);
    const [min, max] = v.salary ?? [null, null];
    statements.push(
      env.DB.prepare(
        `INSERT INTO vacancies (id, company_id, title, description, tags, role, employment_type, seniority, remote, lat, lng, place, cell, coarse_cell, status, published_at, created_by, created_at, updated_at, salary_min, salary_max, salary_currency, salary_period, salary_min_year, salary_max_year)
         VALUES (?, ?, ?, '', ?, ?, 'full-time', 'senior', ?, ?, ?, ?, ?, ?, 'published', ?, 'bulk', ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        `bulk-${i}`,
        companyId,
        v.title ?? `Bulk ${i}`,
        JSON.stringify(v.tags ?? []),
        v.role ?? "backend",
        v.remote ? 1 : 0,
        p?.lat ?? null,
        p?.lng ?? null,
        p ? "x" : null,
        cellOf(FINE_GRID),
        cellOf(COARSE_GRID),
        now - i * 1000,
        now,
        now,
        min,
        max,
        v.salary ? "EUR" : null,
        v.salary ? "year" : null,
        min,
        max,
      ),
    );
  }
  for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
  await rebuildSearchIndex(testDeps());
}

/** DELETE /v1/me with the user's password; must answer 204. */
export async function deleteAccount(user: TestUser): Promise<void> {
  const response = await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } });
  expect(response.status, await response.text()).toBe(204);
}
