import { describe, expect, it } from "vitest";
import { distanceText } from "../../web/src/jobs/model";

describe("a search result's distance in words", () => {
  it("says under 1 km for a vacancy in the searched city itself, not 0.0 km", () => {
    expect(distanceText(0)).toBe("Under 1 km away");
    expect(distanceText(0.96)).toBe("Under 1 km away");
  });

  it("keeps a tenth under 10 km and rounds beyond", () => {
    expect(distanceText(2.44)).toBe("2.4 km away");
    expect(distanceText(26.7)).toBe("27 km away");
  });
});
