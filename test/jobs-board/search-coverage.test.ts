import { beforeEach, describe, expect, it } from "vitest";
import {
  api,
  clearVacancies,
  createCompany,
  expectedIds,
  ok,
  postVacancy,
  registerUser,
  search,
  type SeededVacancy,
  type VacancyInput,
  verifyCompany,
} from "./fixtures";

/**
 * What search.test.ts leaves out of "every filter alone and combined" and "cursor stability for
 * each sort": the text query combined with each other filter and each sort, and keyset paging
 * with filters while vacancies come and go between pages.
 */

beforeEach(clearVacancies);

const ids = (items: { id: string }[]) => items.map((v) => v.id).sort();

type Seeded = SeededVacancy;

async function world() {
  const owner = await registerUser();
  const verified = await createCompany(owner, { name: "Verified Co" });
  await verifyCompany(verified.id);
  const unverified = await createCompany(owner, { name: "Small Co" });
  return { owner, verified, unverified };
}

describe("GET /v1/vacancies: the text query with every other filter and every sort", () => {
  const berlin = { lat: 52.52, lng: 13.405 };
  const specs: Seeded["spec"][] = [
    {
      verified: true,
      title: "Kotlin backend developer",
      description: "Ktor and Postgres",
      tags: ["kotlin", "postgres"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      remote: false,
      salary: { min: 60000, max: 80000, currency: "EUR", period: "year" },
      location: { lat: 52.52, lng: 13.4, place: "Berlin" },
    },
    {
      verified: true,
      title: "Android engineer",
      description: "Kotlin on phones",
      tags: ["android"],
      role: "mobile",
      employmentType: "contract",
      seniority: "middle",
      remote: true,
      salary: { min: 4000, max: 5000, currency: "EUR", period: "month" },
      location: { lat: 52.4, lng: 13.1, place: "Potsdam" },
    },
    {
      verified: false,
      title: "Kotlin multiplatform lead",
      description: "Shared code",
      tags: ["kotlin", "ios"],
      role: "mobile",
      employmentType: "full-time",
      seniority: "lead",
      remote: true,
      salary: { min: 90000, max: 110000, currency: "EUR", period: "year" },
      location: null,
    },
    {
      verified: true,
      title: "Backend développeur",
      description: "Scala et Kotlin à Paris",
      tags: ["scala"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      remote: false,
      salary: { min: 55, max: 70, currency: "USD", period: "hour" },
      location: { lat: 48.85, lng: 2.35, place: "Paris" },
    },
    {
      verified: false,
      title: "Java developer",
      description: "Spring, no Kotlin yet",
      tags: ["java", "kotlin"],
      role: "backend",
      employmentType: "part-time",
      seniority: "junior",
      remote: false,
      salary: null,
      location: { lat: 52.5, lng: 13.45, place: "Berlin" },
    },
    {
      verified: true,
      title: "Data engineer",
      description: "Python pipelines",
      tags: ["python"],
      role: "data",
      employmentType: "full-time",
      seniority: "senior",
      remote: false,
      salary: { min: 70000, max: 90000, currency: "EUR", period: "year" },
      location: { lat: 52.53, lng: 13.41, place: "Berlin" },
    },
  ];

  it("each filter and each sort combined with the text query returns exactly the matching vacancies", async () => {
    const w = await world();
    const seeded: Seeded[] = [];
    for (const spec of specs) {
      const { verified, ...input } = spec;
      seeded.push({ spec, vacancy: await postVacancy(w.owner, verified ? w.verified.id : w.unverified.id, input) });
    }
    const companies = { verified: w.verified.id, unverified: w.unverified.id };
    const cases: Record<string, any>[] = [
      { q: "kotlin" },
      { q: "kot" },
      { q: "developpeur" },
      { q: "kotlin", tags: "kotlin" },
      { q: "kotlin", tags: "kotlin,android", tagsMode: "all" },
      { q: "kotlin", role: "backend" },
      { q: "kotlin", employmentType: "full-time" },
      { q: "kotlin", seniority: "senior" },
      { q: "kotlin", remote: "true" },
      { q: "kotlin", remote: "false" },
      { q: "kotlin", verified: "true" },
      { q: "kotlin", companyId: w.unverified.id },
      { q: "kotlin", currency: "EUR" },
      { q: "kotlin", currency: "EUR", salaryMin: 70000 },
      { q: "kotlin", currency: "EUR", salaryMax: 65000 },
      { q: "kotlin", currency: "USD", salaryMin: 100000, salaryMax: 200000 },
      { q: "kotlin", ...berlin, radiusKm: 30 },
      { q: "kotlin", sort: "newest" },
      { q: "kotlin", currency: "EUR", sort: "salary" },
      { q: "kotlin", ...berlin, radiusKm: 1000, sort: "distance" },
      {
        q: "kotlin",
        tags: "kotlin",
        role: "backend",
        employmentType: "full-time",
        seniority: "senior",
        remote: "false",
        verified: "true",
        companyId: w.verified.id,
        currency: "EUR",
        salaryMin: 50000,
        salaryMax: 100000,
        ...berlin,
        radiusKm: 30,
      },
      { q: "kotlin", tags: "kotlin", role: "backend", remote: "false", currency: "EUR", salaryMin: 50000, ...berlin, radiusKm: 30, sort: "distance" },
      { q: "kotlin", tags: "kotlin,scala", verified: "true", currency: "EUR", sort: "salary" },
    ];
    for (const params of cases) {
      const page = await search({ ...params, limit: 100 });
      expect(ids(page.items), JSON.stringify(params)).toEqual(expectedIds(seeded, params, companies));
    }
    // the combined cases are not empty by accident
    expect(expectedIds(seeded, cases[20]!, companies)).toHaveLength(1);
    // sorts keep their order with the text query
    const bySalary = (await search({ q: "kotlin", currency: "EUR", sort: "salary" })).items;
    expect(bySalary.map((v) => v.salary.max)).toEqual([...bySalary.map((v) => v.salary.max)].sort((a, b) => b - a));
    const byDistance = (await search({ q: "kotlin", ...berlin, radiusKm: 1000, sort: "distance" })).items;
    expect(byDistance.map((v) => v.distanceKm)).toEqual([...byDistance.map((v) => v.distanceKm)].sort((a, b) => a - b));
  });
});

describe("GET /v1/vacancies: cursors for each sort with filters, while vacancies come and go", () => {
  it("every sort, with a text query and a tag, pages through what stayed exactly once and in order; closed ones drop out, new ones never repeat a page", async () => {
    const w = await world();
    const center = { lat: 50, lng: 8 };
    const points = [center, { lat: 50.05, lng: 8 }, center, { lat: 50.1, lng: 8.1 }];
    const salaries = [50000, 60000, 60000, 70000];
    const matching: { id: string }[] = [];
    for (let i = 0; i < 15; i++) {
      const input: VacancyInput = {
        title: `Rust engineer ${i}`,
        tags: ["rust"],
        location: { ...points[i % 4]!, place: "x" },
        salary: { min: 1000, max: salaries[i % 4]!, currency: "EUR", period: "year" },
      };
      matching.push(await postVacancy(w.owner, w.verified.id, input));
      // the same place and pay with the word but not the tag, or neither: never on these pages
      await postVacancy(w.owner, w.verified.id, { ...input, title: i % 2 ? `Rust engineer ${i}b` : `Go engineer ${i}`, tags: ["go"] });
    }
    const filters = { q: "rust", tags: "rust" };
    const sorts: [string, Record<string, string | number>, (a: any, b: any) => boolean][] = [
      ["newest", {}, (a, b) => a.publishedAt >= b.publishedAt],
      ["salary", { currency: "EUR", sort: "salary" }, (a, b) => a.salary.max >= b.salary.max],
      ["distance", { ...center, radiusKm: 100, sort: "distance" }, (a, b) => a.distanceKm <= b.distanceKm],
    ];
    let round = 0;
    const extras = new Set<string>();
    for (const [name, params, ordered] of sorts) {
      const query = { ...filters, ...params };
      const before = ids((await search({ ...query, limit: 100 })).items);
      // the decoys (the word without the tag, or neither) are never among them
      expect(
        before.filter((id) => !matching.some((v) => v.id === id) && !extras.has(id)),
        name,
      ).toEqual([]);
      expect(before.length, name).toBeGreaterThanOrEqual(10);
      const seen: any[] = [];
      const closed = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search({ ...query, limit: 3, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
        // between pages: a new matching vacancy, and one not yet seen is closed
        extras.add(
          (
            await postVacancy(w.owner, w.verified.id, {
              title: `Rust extra ${round++}`,
              tags: ["rust"],
              location: { ...center, place: "x" },
              salary: { min: 1, max: 55000, currency: "EUR", period: "year" },
            })
          ).id,
        );
        const victim = before.find((id) => !extras.has(id) && !seen.some((v) => v.id === id) && !closed.has(id));
        if (victim && pages % 2 === 0) {
          await ok(api(`/v1/vacancies/${victim}/close`, { token: w.owner.accessToken, body: {} }));
          closed.add(victim);
        }
      } while (cursor && pages < 50);
      expect(cursor, `${name}: paging ends`).toBeUndefined();
      const seenIds = seen.map((v) => v.id);
      expect(new Set(seenIds).size, `${name}: no vacancy twice`).toBe(seenIds.length);
      for (const id of before) if (!closed.has(id)) expect(seenIds, `${name}: what stayed is seen`).toContain(id);
      for (const id of closed) expect(seenIds, `${name}: closed before its page`).not.toContain(id);
      expect(closed.size, name).toBeGreaterThan(0);
      for (let i = 1; i < seen.length; i++) {
        if (before.includes(seen[i].id) && before.includes(seen[i - 1].id)) expect(ordered(seen[i - 1], seen[i]), `${name}: order at ${i}`).toBe(true);
      }
    }
    // what was published meanwhile is found afterwards
    const after = ids((await search({ ...filters, limit: 100 })).items);
    for (const id of extras) expect(after).toContain(id);
    expect(extras.size).toBe(round);
  });
});
