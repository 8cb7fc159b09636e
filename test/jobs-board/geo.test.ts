import { describe, expect, it } from "vitest";
import {
  annulusRects,
  destination,
  distanceKm,
  MAX_DISTANCE_KM,
  type Point,
  latitudeRowRects,
  ringRects,
  STORED_BOUND_SLACK_DEG,
  type StoredBoundsRect,
} from "../../shared/jobs-board/geo";
import { randomSource } from "./fixtures";

/** What the R*Tree stores as a point's lower bound: the float32 at or below the coordinate. */
function storedLowerBound(x: number): number {
  const value = new Float32Array([x]);
  if (value[0]! > x) {
    const bits = new Int32Array(value.buffer);
    bits[0]! += x > 0 ? -1 : 1;
  }
  return value[0]!;
}

const holds = (r: StoredBoundsRect, p: Point) => {
  const south = storedLowerBound(p.lat);
  const west = storedLowerBound(p.lng);
  return south >= r.south && south < r.north && west >= r.west && west < r.east;
};

/** Every point of the ring is in exactly one rectangle, and no rectangle lies wholly inside the inner circle. */
function expectRingCovered(rects: StoredBoundsRect[], center: Point, inner: number, outer: number): void {
  const random = randomSource(0x9e0);
  // Points on both circles (the ring includes its inner edge for later seqs, and its outer edge) and between them.
  const points: Point[] = [];
  for (let i = 0; i < 4000; i++) {
    const bearing = random() * 360;
    const km = i % 4 === 0 ? inner : i % 4 === 1 ? outer : inner + random() * (outer - inner);
    points.push(destination(center, km, bearing));
  }
  // Failures are collected and asserted once: an expect() per point (with its message built each
  // time) cost more than the check itself.
  const notOnce: string[] = [];
  for (const p of points) {
    const d = distanceKm(center, p);
    if (d < inner || d > outer) continue;
    let holding = 0;
    for (const r of rects) if (holds(r, p)) holding++;
    if (holding !== 1) notOnce.push(`${JSON.stringify(p)} at ${d} km is in ${holding} rectangles`);
  }
  expect(notOnce).toEqual([]);
  const inside: string[] = [];
  for (const r of rects) {
    // True points a rectangle of stored lower bounds can hold reach up to the slack past its north and east edges.
    const corners = [r.south, r.north + STORED_BOUND_SLACK_DEG].flatMap((lat) =>
      [r.west, r.east + STORED_BOUND_SLACK_DEG].map((lng) => ({ lat, lng: ((lng + 540) % 360) - 180 })),
    );
    const edges = Array.from({ length: 49 }, (_, i) => (i + 1) / 50).flatMap((t) => [
      { lat: r.south + t * (r.north - r.south), lng: corners[0]!.lng },
      { lat: r.south + t * (r.north - r.south), lng: corners[1]!.lng },
    ]);
    // (An edge may reach into the inner circle by the slack: the points whose stored bound rounds across it.)
    const slackKm = 3 * STORED_BOUND_SLACK_DEG * 111.2;
    if (!(Math.max(...[...corners, ...edges].map((p) => distanceKm(center, p))) >= inner - slackKm)) inside.push(JSON.stringify(r));
  }
  expect(inside, "rectangles wholly inside the inner circle").toEqual([]);
}

describe("annulus rectangles (the R*Tree ranges a ring of a distance search reads)", () => {
  const cases = [
    { name: "Berlin, a thin ring far out", center: { lat: 52.52, lng: 13.405 }, inner: 13.07, outer: 13.09, strip: 0.04 },
    { name: "Berlin, from the point", center: { lat: 52.52, lng: 13.405 }, inner: 0, outer: 0.6, strip: 0.01 },
    { name: "Berlin, a thick ring", center: { lat: 52.52, lng: 13.405 }, inner: 2, outer: 9, strip: 0.3 },
    { name: "the equator", center: { lat: 0, lng: 0 }, inner: 5, outer: 5.5, strip: 0.05 },
    { name: "the south, wide", center: { lat: -60, lng: -70 }, inner: 150, outer: 400, strip: 20 },
    { name: "across the antimeridian from the east", center: { lat: -17.8, lng: 179.95 }, inner: 3, outer: 20, strip: 0.5 },
    { name: "across the antimeridian from the west", center: { lat: 40, lng: -179.99 }, inner: 1, outer: 2, strip: 0.05 },
    { name: "far north", center: { lat: 80, lng: 100 }, inner: 40, outer: 60, strip: 2 },
  ];
  for (const { name, center, inner, outer, strip } of cases) {
    it(`${name}: every point of the annulus is in exactly one rectangle, and none lies wholly inside the inner circle`, () => {
      const rects = annulusRects(center, inner, outer, strip)!;
      expect(rects).not.toBeNull();
      expectRingCovered(rects, center, inner, outer);
    });
  }

  it("reads little beyond the annulus: the rectangles' area is the annulus and about half a strip on each circle", () => {
    const center = { lat: 52.52, lng: 13.405 };
    for (const [inner, outer, strip] of [
      [13.07, 13.09, 0.04],
      [3.6, 3.8, 0.02],
      [0, 0.6, 0.01],
    ] as const) {
      const rects = annulusRects(center, inner, outer, strip)!;
      const kmPerDeg = 111.195;
      const area = rects.reduce(
        (sum, r) => sum + (r.north - r.south) * kmPerDeg * (r.east - r.west) * kmPerDeg * Math.cos(((r.south + r.north) / 2) * (Math.PI / 180)),
        0,
      );
      const annulus = Math.PI * (outer ** 2 - inner ** 2);
      const edges = Math.PI * (inner + outer) * strip;
      expect(area, `${inner}-${outer} km in ${strip} km strips`).toBeLessThan(annulus + edges);
    }
  });

  it("gives up near the poles (the caller reads the bounding box)", () => {
    expect(annulusRects({ lat: 88.5, lng: 40 }, 5, 60, 1)).toBeNull();
    expect(annulusRects({ lat: -89.5, lng: 0 }, 0, 10, 1)).toBeNull();
  });
});

describe("ring rectangles anywhere on the globe (near a pole, beyond a quarter of it)", () => {
  const berlin = { lat: 52.52, lng: 13.405 };
  const cases = [
    { name: "near the north pole", center: { lat: 88.5, lng: 40 }, inner: 5, outer: 60, strip: 1 },
    { name: "at the south pole, from the point", center: { lat: -89.5, lng: 0 }, inner: 0, outer: 10, strip: 0.5 },
    { name: "at the north pole, a ring across Europe's latitudes", center: { lat: 89.9, lng: -120 }, inner: 3000, outer: 4200, strip: 40 },
    { name: "Berlin, a ring beyond a quarter of the globe (around the antipode)", center: berlin, inner: 15000, outer: 15100, strip: 20 },
    { name: "Berlin, a ring across the quarter", center: berlin, inner: 9900, outer: 10100, strip: 20 },
    { name: "Berlin, everything from 12,000 km to the antipode", center: berlin, inner: 12000, outer: MAX_DISTANCE_KM, strip: 40 },
    { name: "Berlin, the whole globe", center: berlin, inner: 0, outer: MAX_DISTANCE_KM, strip: 40 },
    { name: "across the antimeridian, far", center: { lat: -17.8, lng: 179.95 }, inner: 11000, outer: 11500, strip: 20 },
  ];
  for (const { name, center, inner, outer, strip } of cases) {
    it(`${name}: every point of the ring is in exactly one rectangle, and none lies wholly inside the inner circle`, () => {
      const rects = ringRects(center, inner, outer, strip) ?? latitudeRowRects(center, inner, outer, strip);
      expect(rects.length).toBeGreaterThan(0);
      expectRingCovered(rects, center, inner, outer);
    });
  }

  it("a far ring reads about its own area, not the globe's", () => {
    const rects = ringRects(berlin, 15000, 15100, 20) ?? latitudeRowRects(berlin, 15000, 15100, 20);
    const kmPerDeg = 111.195;
    const area = rects.reduce(
      (sum, r) => sum + (r.north - r.south) * kmPerDeg * (r.east - r.west) * kmPerDeg * Math.cos(((r.south + r.north) / 2) * (Math.PI / 180)),
      0,
    );
    const ringArea = 2 * Math.PI * 6371 ** 2 * (Math.cos(15000 / 6371) - Math.cos(15100 / 6371));
    expect(area).toBeLessThan(1.5 * ringArea);
  });
});
