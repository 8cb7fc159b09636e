import { beforeAll, describe, expect, it } from "vitest";
import { destination, distanceKm, type Point } from "../../shared/jobs-board/geo";
import { bulkVacancies, clearVacancies, createCompany, registerUser, search, verifyCompany } from "../jobs-board/fixtures";

/**
 * Issue 23, finding 2, the far side of the globe: a distance page whose rings reach beyond a
 * quarter of the globe, or around a point near a pole, read the bounding box of their circle,
 * with no row cap. A cursor 15,000 km out from Berlin with a 20,000 km radius read every row of
 * the table on every page. Now every ring is read as rectangles, and every page stays within
 * its row budget, still in the right order.
 */

const berlin = { lat: 52.52, lng: 13.405 };
const nearPole = { lat: 89.5, lng: 0 };
const cursorOf = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const limit = 5;
const budget = 20 * limit;

/** A crowd around Berlin, a crowd near the north pole, and a few places far from both. */
const points: Point[] = [
  ...Array.from({ length: 300 }, (_, i) => destination(berlin, 1 + ((i * 7) % 60), (i * 53) % 360)),
  ...Array.from({ length: 400 }, (_, i) => ({ lat: 75 + ((i * 13) % 140) / 10, lng: -180 + ((i * 97) % 360) })),
  { lat: -33.87, lng: 151.21 },
  { lat: -41.29, lng: 174.78 },
  { lat: -36.85, lng: 174.76 },
  { lat: -45.87, lng: 170.5 },
  { lat: 21.31, lng: -157.86 },
  { lat: -17.73, lng: 168.32 },
  { lat: -22.27, lng: 166.45 },
  { lat: -54.8, lng: -68.3 },
  { lat: 60.17, lng: 24.94 },
  { lat: 64.14, lng: -21.94 },
  { lat: 61.22, lng: -149.9 },
  { lat: 59.91, lng: 10.75 },
  ...Array.from({ length: 12 }, (_, i) => ({ lat: -30 - ((i * 7) % 20), lng: 160 + ((i * 11) % 20) })),
  ...Array.from({ length: 12 }, (_, i) => ({ lat: (i * 7) % 20, lng: -80 + ((i * 11) % 20) })),
];

beforeAll(async () => {
  await clearVacancies();
  const owner = await registerUser();
  const company = await createCompany(owner);
  await verifyCompany(company.id);
  await bulkVacancies(company.id, points.length, (i) => ({ ...points[i]!, tags: i % 2 === 0 ? ["go"] : ["rust"] }));
}, 60_000);

/** The vacancies farther than `from` from `center`, nearest first (ties by the order they were stored in, as seq is). */
const farther = (center: Point, from: number, tagged?: boolean) =>
  points
    .map((p, i) => ({ id: `bulk-${i}`, i, d: distanceKm(center, p) }))
    .filter((e) => e.d >= from && (tagged === undefined || (e.i % 2 === 0) === tagged))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((e) => e.id);

describe("finding 2: rings beyond a quarter of the globe or around a pole are bounded too", () => {
  const walks = [
    { name: "Berlin, 15,000 km out (around the antipode)", center: berlin, d: 15_000, pages: 100, rowsPerPage: budget },
    { name: "Berlin, 9,000 km out (a ring across the quarter)", center: berlin, d: 9_000, pages: 100, rowsPerPage: budget },
    // Near a pole rings are read in rows of latitude: a page reads rings until one completes, so that every page moves
    // on, and a thin ring entering a crowd may pass the budget by what it holds. (The box read every row north of 62°.)
    { name: "near the north pole, 3,000 km out", center: nearPole, d: 3_000, pages: 30, rowsPerPage: 1.5 * budget },
  ];
  for (const { name, center, d, pages, rowsPerPage } of walks) {
    for (const tags of [undefined, "go"]) {
      it(`${name}${tags ? ", with a tag" : ""}: every page within the row budget, in order`, { timeout: 60_000 }, async () => {
        const expected = farther(center, d, tags ? true : undefined);
        expect(expected.length).toBeGreaterThan(limit);
        const seen: string[] = [];
        let cursor: string | null = cursorOf({ d, s: 0 });
        for (let page = 1; cursor && page <= pages; page++) {
          const result = await search({ ...center, radiusKm: 20_000, sort: "distance", limit, tags, cursor });
          expect(result.rowsRead, `page ${page}: ${result.rowsRead} rows`).toBeLessThanOrEqual(rowsPerPage);
          seen.push(...result.items.map((v: { id: string }) => v.id));
          cursor = result.nextCursor;
        }
        expect(seen.length).toBeGreaterThan(0);
        expect(seen).toEqual(expected.slice(0, seen.length));
        // The walks from Berlin reach the last vacancy.
        if (center === berlin) expect(seen).toEqual(expected);
      });
    }
  }
});
