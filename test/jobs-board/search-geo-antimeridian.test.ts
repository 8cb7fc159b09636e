import { describeGeoAgainstBruteForce } from "./geo-brute-force";

describeGeoAgainstBruteForce({
  name: "across the antimeridian",
  center: { lat: -17.8, lng: 179.95 },
  core: { lat: -17.8, lng: -179.98 },
  spread: { lat: [-21, -14], lng: [176, 184] },
  radii: [3, 20, 150, 1000],
});
