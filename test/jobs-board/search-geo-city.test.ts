import { describeGeoAgainstBruteForce } from "./geo-brute-force";

describeGeoAgainstBruteForce({
  name: "a dense city",
  center: { lat: 52.53, lng: 13.41 },
  core: { lat: 52.52, lng: 13.405 },
  spread: { lat: [50, 56], lng: [10, 18] },
  radii: [0.5, 2, 6, 40, 300, 3000],
});
