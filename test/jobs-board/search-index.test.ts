import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
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
import { bulkVacancies, clearVacancies, createCompany, postVacancy, registerUser, search, searchAll, verifyCompany } from "./fixtures";

// Geo search against brute force is in search-geo-*.test.ts (one file per place).
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
