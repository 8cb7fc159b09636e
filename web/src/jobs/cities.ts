// There is no geocoder in the platform: a place typed as a city is looked up in this small
// built-in list (or the browser's location is used). Coordinates are city centres.
export interface City {
  name: string;
  country: string;
  lat: number;
  lng: number;
}

export const CITIES: City[] = [
  { name: "Amsterdam", country: "Netherlands", lat: 52.3676, lng: 4.9041 },
  { name: "Athens", country: "Greece", lat: 37.9838, lng: 23.7275 },
  { name: "Barcelona", country: "Spain", lat: 41.3874, lng: 2.1686 },
  { name: "Berlin", country: "Germany", lat: 52.52, lng: 13.405 },
  { name: "Brussels", country: "Belgium", lat: 50.8503, lng: 4.3517 },
  { name: "Bucharest", country: "Romania", lat: 44.4268, lng: 26.1025 },
  { name: "Budapest", country: "Hungary", lat: 47.4979, lng: 19.0402 },
  { name: "Copenhagen", country: "Denmark", lat: 55.6761, lng: 12.5683 },
  { name: "Dublin", country: "Ireland", lat: 53.3498, lng: -6.2603 },
  { name: "Hamburg", country: "Germany", lat: 53.5511, lng: 9.9937 },
  { name: "Helsinki", country: "Finland", lat: 60.1699, lng: 24.9384 },
  { name: "Kraków", country: "Poland", lat: 50.0647, lng: 19.945 },
  { name: "Kyiv", country: "Ukraine", lat: 50.4501, lng: 30.5234 },
  { name: "Lisbon", country: "Portugal", lat: 38.7223, lng: -9.1393 },
  { name: "London", country: "United Kingdom", lat: 51.5072, lng: -0.1276 },
  { name: "Madrid", country: "Spain", lat: 40.4168, lng: -3.7038 },
  { name: "Milan", country: "Italy", lat: 45.4642, lng: 9.19 },
  { name: "Munich", country: "Germany", lat: 48.1351, lng: 11.582 },
  { name: "Oslo", country: "Norway", lat: 59.9139, lng: 10.7522 },
  { name: "Paris", country: "France", lat: 48.8566, lng: 2.3522 },
  { name: "Potsdam", country: "Germany", lat: 52.3906, lng: 13.0645 },
  { name: "Prague", country: "Czechia", lat: 50.0755, lng: 14.4378 },
  { name: "Riga", country: "Latvia", lat: 56.9496, lng: 24.1052 },
  { name: "Rome", country: "Italy", lat: 41.9028, lng: 12.4964 },
  { name: "Stockholm", country: "Sweden", lat: 59.3293, lng: 18.0686 },
  { name: "Tallinn", country: "Estonia", lat: 59.437, lng: 24.7536 },
  { name: "Vienna", country: "Austria", lat: 48.2082, lng: 16.3738 },
  { name: "Vilnius", country: "Lithuania", lat: 54.6872, lng: 25.2797 },
  { name: "Warsaw", country: "Poland", lat: 52.2297, lng: 21.0122 },
  { name: "Zürich", country: "Switzerland", lat: 47.3769, lng: 8.5417 },
  { name: "New York", country: "United States", lat: 40.7128, lng: -74.006 },
  { name: "San Francisco", country: "United States", lat: 37.7749, lng: -122.4194 },
  { name: "Toronto", country: "Canada", lat: 43.6532, lng: -79.3832 },
  { name: "São Paulo", country: "Brazil", lat: -23.5558, lng: -46.6396 },
  { name: "Bangalore", country: "India", lat: 12.9716, lng: 77.5946 },
  { name: "Singapore", country: "Singapore", lat: 1.3521, lng: 103.8198 },
  { name: "Tokyo", country: "Japan", lat: 35.6762, lng: 139.6503 },
  { name: "Sydney", country: "Australia", lat: -33.8688, lng: 151.2093 },
  { name: "Tel Aviv", country: "Israel", lat: 32.0853, lng: 34.7818 },
  { name: "Dubai", country: "United Arab Emirates", lat: 25.2048, lng: 55.2708 },
];

const fold = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").trim().toLowerCase();

/** The city a typed place names (case and accents ignored; "krakow" is Kraków), or undefined. */
export function findCity(typed: string): City | undefined {
  const wanted = fold(typed.split(",")[0] ?? "");
  if (!wanted) return undefined;
  return CITIES.find((city) => fold(city.name) === wanted) ?? CITIES.find((city) => fold(city.name).startsWith(wanted));
}
