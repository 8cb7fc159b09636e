import { beforeAll, describe, expect, it } from "vitest";
import { distanceKm } from "../../shared/jobs-board/geo";
import { bulkVacancies, clearVacancies, createCompany, randomSource, registerUser, searchAll } from "./fixtures";

/** A place to search around: a dense core of points with a wider spread, and the radii to check. */
export type GeoCase = {
  name: string;
  center: { lat: number; lng: number };
  core: { lat: number; lng: number };
  spread: { lat: [number, number]; lng: [number, number] };
  radii: number[];
};

/**
 * Geo search through cells, rings and the R*Tree against brute force, around one place: one test
 * per radius and filter (each pages dozens of times), over one set of 400 points. Each place is a
 * file of its own (search-geo-*.test.ts), so the three run side by side instead of one long file.
 */
export function describeGeoAgainstBruteForce({ name, center, core, spread, radii }: GeoCase): void {
  describe(`geo through cells, rings and the R*Tree matches brute force: ${name}`, () => {
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
