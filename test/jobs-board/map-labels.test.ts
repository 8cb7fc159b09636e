import { describe, expect, it } from "vitest";
import { CITIES } from "../../web/src/jobs/cities";
import { type Box, labelBox, placeLabels } from "../../web/src/jobs/map-labels";

// The place picker's Europe view (web/src/jobs/place-picker.tsx): 360 x 180 units over 12°W-35°E, 34°N-62°N.
const [WIDTH, HEIGHT] = [360, 180];
const europe = CITIES.filter((c) => c.lng >= -12 && c.lng <= 35 && c.lat >= 34 && c.lat <= 62).map((c) => ({
  name: c.name,
  x: ((c.lng + 12) / 47) * WIDTH,
  y: ((62 - c.lat) / 28) * HEIGHT,
}));

const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe("the job map's city names", () => {
  // 11 px on a phone, where the map is about 290 px wide, and on a desktop at 640 px.
  for (const [screen, mapPx] of [
    ["a phone", 290],
    ["a desktop", 640],
  ] as const) {
    it(`on ${screen}: the pinned city is named, and no name lies over another, over another city's dot or past the map`, () => {
      const size = 11 / (mapPx / WIDTH);
      const dot = 3 / (mapPx / WIDTH);
      const berlin = europe.find((c) => c.name === "Berlin")!;
      const labels = placeLabels(europe, {
        width: WIDTH,
        height: HEIGHT,
        size,
        dot,
        pin: { x: berlin.x, y: berlin.y, r: 6 / (mapPx / WIDTH), name: "Berlin" },
      });
      expect(labels[0]?.name).toBe("Berlin");
      const boxes = labels.map((label) => labelBox(label, size));
      for (const [i, a] of boxes.entries()) {
        expect(a.left).toBeGreaterThanOrEqual(0);
        expect(a.right).toBeLessThanOrEqual(WIDTH);
        for (const b of boxes.slice(i + 1)) expect(overlap(a, b), `${labels[i]!.name} over another name`).toBe(false);
        for (const city of europe.filter((c) => c.name !== labels[i]!.name && labels[i]!.name !== "Berlin")) {
          expect(
            overlap(a, { left: city.x - dot, right: city.x + dot, top: city.y - dot, bottom: city.y + dot }),
            `${labels[i]!.name} over ${city.name}'s dot`,
          ).toBe(false);
        }
      }
      // A desktop's map has room for most of the names; a phone's for fewer, but not for none.
      expect(labels.length).toBeGreaterThanOrEqual(screen === "a phone" ? 8 : 18);
      expect(new Set(labels.map((l) => l.name)).size).toBe(labels.length);
    });
  }

  it("leaves out a name that has no free side: a city ringed by others' dots and names", () => {
    const ring = [-7, 0, 7].flatMap((dx) => [-7, 0, 7].filter((dy) => dx || dy).map((dy) => ({ name: `R${dx}${dy}`, x: 50 + dx, y: 50 + dy })));
    const labels = placeLabels([...ring, { name: "Middle", x: 50, y: 50 }], { width: 100, height: 100, size: 6, dot: 2 });
    expect(labels.map((l) => l.name)).not.toContain("Middle");
    // Pinned, it is named first, over its neighbours' dots but never under another name.
    const pinned = placeLabels([...ring, { name: "Middle", x: 50, y: 50 }], {
      width: 100,
      height: 100,
      size: 6,
      dot: 2,
      pin: { x: 50, y: 50, r: 3, name: "Middle" },
    });
    expect(pinned[0]?.name).toBe("Middle");
  });

  it("puts a name on the left of its dot at the map's right edge, and under it at the top", () => {
    const [right] = placeLabels([{ name: "Edge", x: 95, y: 50 }], { width: 100, height: 100, size: 8, dot: 2 });
    expect(right?.anchor).toBe("end");
    const [top] = placeLabels(
      [
        { name: "Top", x: 50, y: 2 },
        { name: "Wall", x: 40, y: 2 },
      ],
      { width: 100, height: 100, size: 8, dot: 2 },
    );
    expect(top).toMatchObject({ name: "Top", anchor: "middle" });
    expect(top!.y).toBeGreaterThan(2);
  });
});
