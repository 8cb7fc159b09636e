import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { destination, distanceKm, EARTH_RADIUS_KM } from "../../shared/jobs-board/geo";
import { expectProblem } from "../helpers";
import {
  api,
  bulkVacancies,
  clearVacancies,
  createCompany,
  expectedIds,
  ok,
  postVacancy,
  registerUser,
  search,
  searchAll,
  type TestUser,
  type VacancyInput,
  verifyCompany,
} from "./fixtures";
import { makeAdmin } from "../kit/users";

interface World {
  owner: TestUser;
  verified: { id: string };
  unverified: { id: string };
}

async function world(): Promise<World> {
  const owner = await registerUser();
  const verified = await createCompany(owner, { name: "Verified Co" });
  await verifyCompany(verified.id);
  const unverified = await createCompany(owner, { name: "Small Co" });
  return { owner, verified, unverified };
}

const ids = (items: { id: string }[]) => items.map((v) => v.id).sort();

beforeEach(clearVacancies);

describe("GET /v1/vacancies: filters alone and combined", () => {
  type Spec = VacancyInput & { verified: boolean };
  const specs: Spec[] = [
    {
      verified: true,
      title: "Backend developer",
      tags: ["go", "postgres"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      remote: false,
      salary: { min: 60000, max: 80000, currency: "EUR", period: "year" },
      location: { lat: 52.52, lng: 13.4, place: "Berlin" },
    },
    {
      verified: true,
      title: "Frontend developer",
      tags: ["react", "typescript"],
      role: "frontend",
      employmentType: "part-time",
      seniority: "junior",
      remote: true,
      salary: { min: 3000, max: 4000, currency: "EUR", period: "month" },
      location: null,
    },
    {
      verified: true,
      title: "Data engineer",
      tags: ["python", "postgres"],
      role: "data",
      employmentType: "contract",
      seniority: "middle",
      remote: false,
      salary: { min: 50, max: 70, currency: "USD", period: "hour" },
      location: { lat: 40.71, lng: -74.0, place: "New York" },
    },
    {
      verified: true,
      title: "Go developer",
      tags: ["go", "kubernetes"],
      role: "backend",
      employmentType: "full-time",
      seniority: "lead",
      remote: true,
      salary: null,
      location: { lat: 52.4, lng: 13.1, place: "Potsdam" },
    },
    {
      verified: true,
      title: "Designer",
      tags: ["figma"],
      role: "design",
      employmentType: "full-time",
      seniority: "senior",
      remote: false,
      salary: { min: 90000, max: 120000, currency: "EUR", period: "year" },
      location: { lat: 48.85, lng: 2.35, place: "Paris" },
    },
    {
      verified: true,
      title: "Founding engineer",
      tags: ["go"],
      role: "fullstack",
      employmentType: "full-time",
      seniority: "lead",
      remote: true,
      salary: { min: 20000, max: 400000, currency: "EUR", period: "year" },
      location: null,
    },
    {
      verified: false,
      title: "Python backend developer",
      tags: ["python", "go"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      remote: false,
      salary: { min: 40000, max: 55000, currency: "EUR", period: "year" },
      location: { lat: 52.5, lng: 13.45, place: "Berlin" },
    },
    {
      verified: false,
      title: "QA engineer",
      tags: ["testing"],
      role: "qa",
      employmentType: "internship",
      seniority: "intern",
      remote: true,
      salary: { min: 1000, max: 1500, currency: "EUR", period: "month" },
      location: null,
    },
  ];

  async function seed(w: World) {
    const out = [];
    for (const spec of specs) {
      const { verified, ...input } = spec;
      out.push({ spec, vacancy: await postVacancy(w.owner, verified ? w.verified.id : w.unverified.id, input) });
    }
    return out;
  }

  it("each filter alone, and combined, returns exactly the matching vacancies", async () => {
    const w = await world();
    const seeded = await seed(w);
    const berlin = { lat: 52.52, lng: 13.405 };
    const cases: Record<string, any>[] = [
      {},
      { tags: "go" },
      { tags: "go,python", tagsMode: "any" },
      { tags: "go,python", tagsMode: "all" },
      { tags: "postgres,figma" },
      { role: "backend" },
      { employmentType: "full-time" },
      { seniority: "senior" },
      { remote: "true" },
      { remote: "false" },
      { verified: "true" },
      { currency: "EUR" },
      { currency: "EUR", salaryMin: 70000 },
      { currency: "EUR", salaryMax: 45000 },
      { currency: "EUR", salaryMin: 45000, salaryMax: 65000 },
      { currency: "USD", salaryMin: 100000 },
      { currency: "EUR", sort: "salary" },
      { currency: "EUR", salaryMin: 45000, salaryMax: 65000, sort: "salary" },
      { currency: "EUR", salaryMax: 30000, sort: "salary" },
      { ...berlin, radiusKm: 30 },
      { ...berlin, radiusKm: 1000 },
      { tags: "go", role: "backend", remote: "false" },
      { tags: "go", verified: "true", ...berlin, radiusKm: 30 },
      { role: "backend", seniority: "senior", currency: "EUR", salaryMin: 50000, ...berlin, radiusKm: 50 },
      { employmentType: "full-time", verified: "true", currency: "EUR", salaryMax: 100000, remote: "false", tags: "go,figma,postgres" },
    ];
    for (const params of cases) {
      const page = await search(params);
      expect(ids(page.items), JSON.stringify(params)).toEqual(expectedIds(seeded, params));
    }
    expect(ids((await search({ companyId: w.unverified.id })).items)).toEqual(
      seeded
        .filter((s) => !s.spec.verified)
        .map((s) => s.vacancy.id)
        .sort(),
    );
    expect(ids((await search({ companyId: w.verified.id, tags: "go" })).items)).toHaveLength(3);
    // salary per hour: USD 50-70/h is 104k-145.6k per year
    expect((await search({ currency: "USD", salaryMin: 60, salaryMax: 65, salaryPeriod: "hour" })).items).toHaveLength(1);
    expect((await search({ currency: "USD", salaryMin: 71, salaryPeriod: "hour" })).items).toHaveLength(0);
  });

  it("the text search finds prefixes and folds diacritics; user text is never an FTS operator", async () => {
    const w = await world();
    await postVacancy(w.owner, w.verified.id, { title: "Développeur Python", description: "Équipe à Zürich", tags: ["naïve-bayes"] });
    await postVacancy(w.owner, w.verified.id, { title: "Java developer", description: "Works with Python or Go" });
    await postVacancy(w.owner, w.verified.id, { title: "Ops", description: "title: nothing here", tags: ["kubernetes"] });
    const titles = async (q: string) => (await search({ q })).items.map((v) => v.title).sort();
    expect(await titles("developpeur")).toEqual(["Développeur Python"]);
    expect(await titles("DÉVELOPPEUR")).toEqual(["Développeur Python"]);
    expect(await titles("zurich")).toEqual(["Développeur Python"]);
    expect(await titles("equipe zur")).toEqual(["Développeur Python"]);
    expect(await titles("develope")).toEqual(["Java developer"]);
    expect(await titles("devel")).toEqual(["Développeur Python", "Java developer"]);
    expect(await titles("dev")).toEqual(["Développeur Python", "Java developer"]);
    expect(await titles("python")).toEqual(["Développeur Python", "Java developer"]);
    expect(await titles("kube")).toEqual(["Ops"]);
    expect(await titles("naive")).toEqual(["Développeur Python"]);
    // operators are words: "or" must appear, "-" negates nothing, column filters and NEAR are text
    expect(await titles("python OR nothing")).toEqual([]);
    expect(await titles("python or go")).toEqual(["Java developer"]);
    expect(await titles("-java")).toEqual(["Java developer"]);
    expect(await titles("title:nothing")).toEqual(["Ops"]);
    expect(await titles("NEAR(python java)")).toEqual([]);
    for (const q of ['"', "*", "(", ")", "^python", "python*", '"python', "AND", "NOT java", "{title}: x", "\u0000", "🙂"]) {
      const res = await api(`/v1/vacancies?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    expect(await titles("^python")).toEqual(["Développeur Python", "Java developer"]);
    expect(await titles("***")).toEqual([]);
  });
});

describe("GET /v1/vacancies: geo", () => {
  async function at(w: World, points: { lat: number; lng: number }[]) {
    const out = [];
    for (const [i, p] of points.entries()) out.push(await postVacancy(w.owner, w.verified.id, { title: `Point ${i}`, location: { ...p, place: `p${i}` } }));
    return out;
  }

  it("points just inside the radius are in, just outside are out, with the exact great-circle distance", async () => {
    const w = await world();
    const center = { lat: 45.4642, lng: 9.19 };
    const [inside, outside, insideEast, outsideNorth, remote] = await at(w, [
      destination(center, 24.98, 200),
      destination(center, 25.02, 200),
      destination(center, 24.99, 90),
      destination(center, 25.01, 0),
      { lat: -33.9, lng: 18.4 },
    ]);
    const page = await search({ ...center, radiusKm: 25 });
    expect(ids(page.items)).toEqual(ids([inside!, insideEast!]));
    for (const item of page.items) expect(item.distanceKm).toBeCloseTo(distanceKm(center, item.location), 9);
    const byDistance = await search({ ...center, radiusKm: 25.015, sort: "distance" });
    expect(byDistance.items.map((v) => v.id)).toEqual([inside!.id, insideEast!.id, outsideNorth!.id]);
    expect(byDistance.items.map((v) => v.distanceKm)).toEqual([...byDistance.items.map((v) => v.distanceKm)].sort((a, b) => a - b));
    expect(page.items.map((v) => v.id)).not.toContain(outside!.id);
    expect(byDistance.items.map((v) => v.id)).not.toContain(remote!.id);
  });

  it("across the antimeridian", async () => {
    const w = await world();
    const [west, east, far] = await at(w, [
      { lat: -17.0, lng: 179.95 },
      { lat: -17.0, lng: -179.95 },
      { lat: -17.0, lng: 178.0 },
    ]);
    const fromWest = await search({ lat: -17.0, lng: 179.95, radiusKm: 15, sort: "distance" });
    expect(fromWest.items.map((v) => v.id)).toEqual([west!.id, east!.id]);
    expect(fromWest.items[1].distanceKm).toBeCloseTo(distanceKm({ lat: -17, lng: 179.95 }, { lat: -17, lng: -179.95 }), 9);
    const fromEast = await search({ lat: -17.0, lng: -179.99, radiusKm: 15 });
    expect(ids(fromEast.items)).toEqual(ids([west!, east!]));
    expect(ids((await search({ lat: -17.0, lng: 179.0, radiusKm: 120 })).items)).toEqual(ids([west!, east!, far!]));
  });

  it("near the poles every longitude is in range", async () => {
    const w = await world();
    const [a, b, c, d] = await at(w, [
      { lat: 89.9, lng: 0 },
      { lat: 89.9, lng: 180 },
      { lat: 89.95, lng: -90 },
      { lat: 89.0, lng: 45 },
    ]);
    const near = await search({ lat: 89.9, lng: 90, radiusKm: 25 });
    expect(ids(near.items)).toEqual(ids([a!, b!, c!]));
    const south = await at(w, [
      { lat: -89.99, lng: 10 },
      { lat: -89.99, lng: -170 },
    ]);
    expect(ids((await search({ lat: -90, lng: 0, radiusKm: 5, sort: "distance" })).items)).toEqual(ids(south));
    void d;
  });

  it("radius 0 finds the exact point only; a huge radius finds everything with a location", async () => {
    const w = await world();
    const [here, oneMetre, antipode] = await at(w, [{ lat: 10, lng: 20 }, destination({ lat: 10, lng: 20 }, 0.001, 45), { lat: -10, lng: -160 }]);
    await postVacancy(w.owner, w.verified.id, { title: "Remote only", location: null, remote: true });
    expect((await search({ lat: 10, lng: 20, radiusKm: 0 })).items.map((v) => v.id)).toEqual([here!.id]);
    expect((await search({ lat: 10, lng: 20, radiusKm: 0, sort: "distance" })).items.map((v) => v.id)).toEqual([here!.id]);
    const everywhere = await search({ lat: 10, lng: 20, radiusKm: 20100, sort: "distance" });
    expect(everywhere.items.map((v) => v.id)).toEqual([here!.id, oneMetre!.id, antipode!.id]);
    expect(everywhere.items[2].distanceKm).toBeCloseTo(distanceKm({ lat: 10, lng: 20 }, { lat: -10, lng: -160 }), 9);
    expect(everywhere.items[2].distanceKm).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 3);
    expect(ids((await search({ lat: 10, lng: 20, radiusKm: 40000 })).items)).toEqual(ids([here!, oneMetre!, antipode!]));
  });

  it("refuses incomplete or impossible geo queries", async () => {
    await expectProblem(await api("/v1/vacancies?lat=1&lng=2"), 400, "invalid_query");
    await expectProblem(await api("/v1/vacancies?lat=91&lng=2&radiusKm=1"), 400, "invalid_query");
    await expectProblem(await api("/v1/vacancies?lat=1&lng=2&radiusKm=-1"), 400, "invalid_query");
    await expectProblem(await api("/v1/vacancies?sort=distance"), 400, "invalid_query");
  });
});

describe("GET /v1/vacancies: cursors", () => {
  it("every sort pages through everything once, in order, while vacancies are published meanwhile", async () => {
    const w = await world();
    const points = [
      { lat: 50, lng: 8 },
      { lat: 50.1, lng: 8 },
      { lat: 50, lng: 8 },
      { lat: 50.2, lng: 8.1 },
    ];
    const salaries = [50000, 60000, 60000, 70000];
    for (let i = 0; i < 14; i++) {
      await postVacancy(w.owner, w.verified.id, {
        title: `V${i}`,
        location: { ...points[i % 4]!, place: "x" },
        salary: { min: 1000, max: salaries[i % 4]!, currency: "EUR", period: "year" },
      });
    }
    const sorts: [Record<string, string | number>, (a: any, b: any) => boolean][] = [
      [{}, (a, b) => a.publishedAt >= b.publishedAt],
      [{ currency: "EUR", sort: "salary" }, (a, b) => a.salary.max >= b.salary.max],
      [{ lat: 50, lng: 8, radiusKm: 100, sort: "distance" }, (a, b) => a.distanceKm <= b.distanceKm],
    ];
    for (const [params, ordered] of sorts) {
      const before = ids((await search({ ...params, limit: 100 })).items);
      const seen: any[] = [];
      let cursor: string | undefined;
      let extra = 0;
      do {
        const page = await search({ ...params, limit: 4, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        // new vacancies between pages: never make a page repeat or skip what was there
        await postVacancy(w.owner, w.verified.id, {
          title: `Extra ${extra++}`,
          location: { lat: 50, lng: 8, place: "x" },
          salary: { min: 1, max: 55000, currency: "EUR", period: "year" },
        });
      } while (cursor);
      const seenIds = seen.map((v) => v.id);
      expect(new Set(seenIds).size, JSON.stringify(params)).toBe(seenIds.length);
      for (const id of before) expect(seenIds, JSON.stringify(params)).toContain(id);
      for (let i = 1; i < seen.length; i++)
        if (before.includes(seen[i].id) && before.includes(seen[i - 1].id)) expect(ordered(seen[i - 1], seen[i]), JSON.stringify(params)).toBe(true);
    }
  });

  it("refuses a cursor that is not one, and a cursor of another sort", async () => {
    const w = await world();
    for (let i = 0; i < 3; i++) await postVacancy(w.owner, w.verified.id, { salary: { min: 1, max: 2, currency: "EUR", period: "year" } });
    const page = await search({ limit: 1 });
    await expectProblem(await api("/v1/vacancies?cursor=nonsense"), 400, "invalid_cursor");
    await expectProblem(await api(`/v1/vacancies?sort=salary&currency=EUR&cursor=${page.nextCursor}`), 400, "invalid_cursor");
    expect((await searchAll({ currency: "EUR", sort: "salary" }, 1)).length).toBe(3);
  });

  it("a well-formed cursor far past the end is an empty page, never an error", async () => {
    const w = await world();
    await postVacancy(w.owner, w.verified.id, {
      tags: ["go"],
      salary: { min: 1, max: 2, currency: "EUR", period: "year" },
      location: { lat: 10, lng: 10, place: "x" },
    });
    const cursorOf = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const far = [
      [
        { lat: 10, lng: 10, radiusKm: 2, sort: "distance" },
        { d: 1e300, s: 1 },
      ],
      [
        { lat: 10, lng: 10, radiusKm: 2, sort: "distance", tags: "go" },
        { d: 5, s: 1 },
      ],
      [
        { lat: 10, lng: 10, radiusKm: 2, sort: "distance", tags: "go" },
        { d: 1e300, s: Number.MAX_SAFE_INTEGER },
      ],
      [
        { currency: "EUR", sort: "salary" },
        { m: -5, s: Number.MAX_SAFE_INTEGER },
      ],
      [
        { currency: "EUR", sort: "salary" },
        { m: Number.MAX_SAFE_INTEGER, s: -1 },
      ],
      [{ tags: "go" }, { s: -Number.MAX_SAFE_INTEGER }],
      [{}, { s: Number.MAX_SAFE_INTEGER }],
    ] as const;
    for (const [params, cursor] of far) {
      const page = await search({ ...params, cursor: cursorOf(cursor) });
      const expectItems = "m" in cursor && cursor.m > 2 ? 1 : "s" in cursor && !("d" in cursor) && !("m" in cursor) && cursor.s > 0 ? 1 : 0;
      expect(page.items, JSON.stringify([params, cursor])).toHaveLength(expectItems);
    }
  });
});

describe("GET /v1/vacancies: validation and auth", () => {
  it("400 for bad filters, 401 for a bad token; no token is fine", async () => {
    for (const query of [
      "salaryMin=1",
      "sort=salary",
      "currency=eur",
      "salaryMin=5&salaryMax=1&currency=EUR",
      "employmentType=forever",
      "remote=yes",
      "limit=0",
      "tagsMode=some",
      `tags=${Array.from({ length: 21 }, (_, i) => `t${i}`).join(",")}`,
    ]) {
      await expectProblem(await api(`/v1/vacancies?${query}`), 400);
    }
    await expectProblem(await api("/v1/vacancies", { token: "junk" }), 401);
    const user = await registerUser();
    expect((await api("/v1/vacancies", { token: user.accessToken })).status).toBe(200);
  });
});

describe("GET /v1/vacancies: index-driven", () => {
  it("selective searches read a small part of 600 vacancies (D1 rows_read), never the whole index", async () => {
    const w = await world();
    // 570 in one dense city, 30 spread over a sparse region
    await bulkVacancies(w.verified.id, 600, (i) => ({
      ...(i < 570 ? { lat: 52.5 + (i % 19) * 0.005, lng: 13.4 + (i % 30) * 0.005 } : { lat: -40 + (i - 570) * 0.5, lng: 170 }),
      tags: i % 100 === 0 ? ["rare", "common"] : ["common"],
      title: `Bulk ${i} ${i % 50 === 0 ? "zeppelin" : "common"}`,
      salary: [1000, 2000 + i],
    }));
    const page = 20;
    const budget = 20 * page;
    const checks: [string, Record<string, string | number>][] = [
      ["newest", {}],
      ["rare tag", { tags: "rare" }],
      ["rare word", { q: "zeppelin" }],
      ["dense city, newest", { lat: 52.55, lng: 13.47, radiusKm: 5 }],
      ["dense city, distance", { lat: 52.55, lng: 13.47, radiusKm: 5, sort: "distance" }],
      ["sparse region, distance", { lat: -30, lng: 170, radiusKm: 200, sort: "distance" }],
      ["sparse region, newest", { lat: -30, lng: 170, radiusKm: 200 }],
      ["salary", { currency: "EUR", sort: "salary" }],
      ["salary range", { currency: "EUR", salaryMin: 2500, salaryMax: 2520, sort: "salary" }],
      ["company", { companyId: w.verified.id }],
      ["two tags, all, + salary range, by salary", { tags: "rare,common", tagsMode: "all", currency: "EUR", salaryMin: 2100, salaryMax: 2600, sort: "salary" }],
      [
        "everything combined, matching nothing",
        {
          q: "zeppelin",
          tags: "rare",
          role: "backend",
          remote: "true",
          verified: "true",
          currency: "EUR",
          salaryMin: 2000,
          lat: 52.55,
          lng: 13.47,
          radiusKm: 5,
        },
      ],
    ];
    for (const [name, params] of checks) {
      const first = await search({ ...params, limit: page });
      expect(first.rowsRead, `${name}: ${first.rowsRead} rows read (${first.plan})`).toBeLessThanOrEqual(budget);
      if (!name.includes("matching nothing")) expect(first.items.length, name).toBeGreaterThan(0);
      if (first.nextCursor) {
        const next = await search({ ...params, limit: page, cursor: first.nextCursor });
        expect(next.rowsRead, `${name}, page 2: ${next.rowsRead} (${next.plan})`).toBeLessThanOrEqual(budget);
      }
    }
    expect((await search({ limit: 100 })).items).toHaveLength(100);
    // Deep in a distance order: page 11 reads the ring past the cursor, not everything before it.
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) cursor = (await search({ lat: 52.545, lng: 13.47, radiusKm: 5, sort: "distance", limit: page, cursor })).nextCursor!;
    const deep = await search({ lat: 52.545, lng: 13.47, radiusKm: 5, sort: "distance", limit: page, cursor });
    expect(deep.items).toHaveLength(page);
    expect(deep.rowsRead, `page 11 by distance: ${deep.rowsRead} (${deep.plan})`).toBeLessThanOrEqual(budget);
  });

  it("by distance, a page whose rings spend the row budget ends short with a cursor where they stopped; following it misses nothing", async () => {
    const w = await world();
    const center = { lat: 48.2, lng: 16.37 };
    // A crowd at the point (the density the first rings are sized by), then a few far apart: rings sized for the crowd find little.
    const points = [
      ...Array.from({ length: 80 }, (_, i) => destination(center, 0.002 * (i + 1), i * 37)),
      ...Array.from({ length: 10 }, (_, i) => destination(center, 1.5 * (i + 1), i * 71)),
    ];
    await bulkVacancies(w.verified.id, points.length, (i) => points[i]!);
    const expected = points.map((p, i) => ({ id: `bulk-${i}`, d: distanceKm(center, p) })).sort((a, b) => a.d - b.d);
    const limit = 10;
    const seen: string[] = [];
    let short = 0;
    let cursor: string | undefined;
    for (let i = 0; i < 200; i++) {
      const page = await search({ ...center, radiusKm: 20, sort: "distance", limit, cursor });
      expect(page.rowsRead, `page ${i + 1}: ${page.rowsRead} rows read`).toBeLessThanOrEqual(20 * limit);
      seen.push(...page.items.map((v: { id: string }) => v.id));
      if (!page.nextCursor) break;
      if (page.items.length < limit) short++;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(expected.map((p) => p.id));
    expect(short, "pages cut short by the budget").toBeGreaterThan(0);
  });

  it("the index is derived: a rebuild gives the same answers", async () => {
    const w = await world();
    for (let i = 0; i < 5; i++)
      await postVacancy(w.owner, w.verified.id, { title: `Café ${i}`, tags: [`t${i % 2}`], location: { lat: 1 + i * 0.01, lng: 2, place: "x" } });
    const queries = [{}, { q: "cafe" }, { tags: "t1" }, { lat: 1, lng: 2, radiusKm: 3, sort: "distance" }];
    const before = await Promise.all(queries.map((q) => search(q)));
    await env.DB.prepare("DELETE FROM vacancy_fts").run();
    const admin = await registerUser();
    await makeAdmin(admin);
    await expectProblem(await api("/v1/admin/jobs/search-index/rebuild", { method: "POST", token: w.owner.accessToken }), 403);
    await expectProblem(await api("/v1/admin/jobs/search-index/rebuild", { method: "POST" }), 401);
    expect(await ok(api("/v1/admin/jobs/search-index/rebuild", { method: "POST", token: admin.accessToken }))).toEqual({ indexed: 5 });
    const after = await Promise.all(queries.map((q) => search(q)));
    expect(after.map((p) => p.items.map((v) => v.id))).toEqual(before.map((p) => p.items.map((v) => v.id)));
  });
});
