import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { distanceKm } from "../../shared/jobs-board/geo";
import {
  companyToken,
  currencyToken,
  employmentToken,
  pointCellTokens,
  roleToken,
  SALARY_LADDER,
  salaryBucket,
  seniorityToken,
  tagToken,
} from "../../shared/jobs-board/vacancies/search-facets";
import { bulkVacancies, clearVacancies, createCompany, postVacancy, randomSource, registerUser, search, searchAll, verifyCompany } from "./fixtures";

describe("the posting lists agree with the search rows", () => {
  beforeEach(clearVacancies);

  it("the view writes exactly the tokens the queries ask for", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    await verifyCompany(company.id);
    const vacancy = await postVacancy(owner, company.id, {
      tags: ["c++", "node-js", "ünïcode"],
      role: "data-engineer",
      employmentType: "contract",
      seniority: "lead",
      remote: true,
      salary: { min: 4000, max: 6500, currency: "EUR", period: "month" },
      location: { lat: -33.8688, lng: 151.2093, place: "Sydney" },
    });
    const row = await env.DB.prepare("SELECT f.facets FROM vacancy_search_facets f JOIN vacancy_search s ON s.seq = f.seq WHERE s.vacancy_id = ?")
      .bind(vacancy.id)
      .first<{ facets: string }>();
    const expected = [
      roleToken("data-engineer"),
      employmentToken("contract"),
      seniorityToken("lead"),
      "rm1",
      "vf1",
      companyToken(company.id),
      ...["c++", "node-js", "ünïcode"].map(tagToken),
      currencyToken("EUR"),
      `sxeurf${salaryBucket(78_000)}`,
      `sxeurc${salaryBucket(78_000) >> 3}`,
      `sneurf${salaryBucket(48_000)}`,
      `sneurc${salaryBucket(48_000) >> 3}`,
      "gl",
      ...pointCellTokens({ lat: -33.8688, lng: 151.2093 }),
    ];
    expect(row!.facets.split(" ").sort()).toEqual(expected.sort());
  });

  it("the view's salary ladder is the one queries bucket by", async () => {
    const view = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'vacancy_search_facets'").first<{ sql: string }>();
    const ladders = [...view!.sql.matchAll(/json_each\('(\[[\d,]+\])'\)/g)].map((m) => m[1]).filter((l) => l !== "[0,1,2,3,4,5,6,7]");
    expect(ladders.length).toBe(4);
    for (const ladder of ladders) expect(JSON.parse(ladder!)).toEqual(SALARY_LADDER);
  });

  it("salary bounds on and around every bucket edge are exact", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const edges = SALARY_LADDER.slice(0, 40);
    // For each edge e: ranges [e - 1, e - 1], [e, e] and [e + 1, e + 1].
    const salaries = edges.flatMap((e) => [e - 1, e, e + 1]);
    await bulkVacancies(company.id, salaries.length, (i) => ({ salary: [salaries[i]!, salaries[i]!] }));
    const ids = (items: { id: string }[]) => items.map((v) => v.id).sort();
    const expected = (min?: number, max?: number) =>
      salaries
        .map((amount, i) => ({ amount, id: `bulk-${i}` }))
        .filter(({ amount }) => (min === undefined || amount >= min) && (max === undefined || amount <= max))
        .map((v) => v.id)
        .sort();
    for (const e of [edges[0]!, edges[7]!, edges[8]!, edges[16]!, edges[23]!, edges[39]!]) {
      for (const bound of [e - 1, e, e + 1]) {
        expect(ids(await searchAll({ currency: "EUR", salaryMin: bound }, 50)), `min ${bound}`).toEqual(expected(bound));
        expect(ids(await searchAll({ currency: "EUR", salaryMax: bound }, 50)), `max ${bound}`).toEqual(expected(undefined, bound));
        expect(ids(await searchAll({ currency: "EUR", salaryMin: bound, salaryMax: bound + 3 }, 50)), `range ${bound}`).toEqual(expected(bound, bound + 3));
      }
    }
    // Best paid first walks the salary keys: every amount once, in order.
    const bySalary = await searchAll({ currency: "EUR", sort: "salary" }, 17);
    expect(bySalary.map((v) => v.salary.max)).toEqual([...salaries].sort((a, b) => b - a));
  });

  it("user text never matches a facet token", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    await postVacancy(owner, company.id, { title: "Plain", tags: ["go"], remote: false });
    for (const q of ["rm0", tagToken("go"), "vf0", "gl", currencyToken("EUR"), "facets"]) expect((await search({ q })).items, q).toHaveLength(0);
    expect((await search({ q: "go" })).items).toHaveLength(1);
  });
});

describe("geo through cells, rings and the R*Tree matches brute force", () => {
  const cases = [
    {
      name: "a dense city",
      center: { lat: 52.53, lng: 13.41 },
      core: { lat: 52.52, lng: 13.405 },
      spread: { lat: [50, 56], lng: [10, 18] },
      radii: [0.5, 2, 6, 40, 300, 3000],
    },
    {
      name: "across the antimeridian",
      center: { lat: -17.8, lng: 179.95 },
      core: { lat: -17.8, lng: -179.98 },
      spread: { lat: [-21, -14], lng: [176, 184] },
      radii: [3, 20, 150, 1000],
    },
    {
      name: "near the north pole",
      center: { lat: 88.5, lng: 40 },
      core: { lat: 88.6, lng: 45 },
      spread: { lat: [85, 89.99], lng: [-180, 180] },
      radii: [5, 60, 400],
    },
  ];
  // One test per radius and filter (each pages dozens of times), over one set of points per place.
  for (const { name, center, core, spread, radii } of cases) {
    describe(name, () => {
      let points: { lat: number; lng: number }[] = [];
      beforeAll(async () => {
        await clearVacancies();
        const owner = await registerUser();
        const company = await createCompany(owner);
        const random = randomSource(0x5eed);
        const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const wrap = (lng: number) => ((((lng + 180) % 360) + 360) % 360) - 180;
        points = Array.from({ length: 400 }, (_, i) => {
          if (i % 4 === 3)
            return {
              lat: spread.lat[0]! + random() * (spread.lat[1]! - spread.lat[0]!),
              lng: wrap(spread.lng[0]! + random() * (spread.lng[1]! - spread.lng[0]!)),
            };
          // A dense core: about 3 km around it.
          return {
            lat: Math.min(89.999, core.lat + (gaussian() * 3) / 111),
            lng: wrap(core.lng + (gaussian() * 3) / (111 * Math.cos((core.lat * Math.PI) / 180))),
          };
        });
        // go: a third (rings probe each location); rare: one in 25 (rings read posting lists of cells); a salary bound: checked exactly.
        await bulkVacancies(company.id, points.length, (i) => ({
          ...points[i]!,
          tags: [i % 3 === 0 ? "go" : "rust", ...(i % 25 === 0 ? ["rare"] : [])],
          salary: [1000, 2000 + i],
        }));
      }, 120_000);
      const keeps = (filter: { tags?: string; salaryMin?: number }, i: number) =>
        (filter.tags === "go" ? i % 3 === 0 : filter.tags === "rare" ? i % 25 === 0 : true) &&
        (filter.salaryMin === undefined || 2000 + i >= Number(filter.salaryMin));
      const filters: { tags?: string; currency?: string; salaryMin?: number }[] = [{}, { tags: "go" }, { tags: "rare" }, { currency: "EUR", salaryMin: 2150 }];
      for (const radiusKm of radii) {
        for (const filter of filters) {
          it(`within ${radiusKm} km, ${JSON.stringify(filter)}: both sorts page through exactly the points within reach`, async () => {
            const within = points.map((p, i) => ({ id: `bulk-${i}`, i, d: distanceKm(center, p) })).filter((p) => p.d <= radiusKm && keeps(filter, p.i));
            if (radiusKm === radii.at(-1) && !("tags" in filter && filter.tags === "rare")) expect(within.length).toBeGreaterThan(100);
            const params = { ...center, radiusKm, ...filter };
            const label = JSON.stringify(params);
            const newest = await searchAll(params, 9);
            expect(
              newest.map((v) => v.id),
              `${label} newest`,
            ).toEqual([...within].sort((a, b) => a.i - b.i).map((p) => p.id));
            const nearest = await searchAll({ ...params, sort: "distance" }, 9);
            expect(
              nearest.map((v) => v.id),
              `${label} by distance`,
            ).toEqual([...within].sort((a, b) => a.d - b.d).map((p) => p.id));
            for (const v of nearest) expect(v.distanceKm).toBeCloseTo(distanceKm(center, v.location), 9);
            // (Dozens of pages: at 9 a page, a distance page often ends short where its row budget ran out.)
          }, 120_000);
        }
      }
    });
  }
});
