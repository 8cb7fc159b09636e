import { describeGeoAgainstBruteForce } from "./geo-brute-force";

describeGeoAgainstBruteForce({
  name: "near the north pole",
  center: { lat: 88.5, lng: 40 },
  core: { lat: 88.6, lng: 45 },
  spread: { lat: [85, 89.99], lng: [-180, 180] },
  radii: [5, 60, 400],
});
