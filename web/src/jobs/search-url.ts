// The job search's filters, kept in the page's address (?role=backend&remote=true...): a reload or a
// shared link opens the same search, and the browser's back button goes to the previous one.
import type { SearchQuery } from "./api";
import { findCity } from "./cities";

import { CURRENCIES, EMPLOYMENT_TYPES, PERIODS, SENIORITIES } from "./choices";

export const SORTS = ["newest", "salary", "distance"] as const;

export interface Filters {
  q: string;
  tags: string;
  allTags: boolean;
  role: string;
  seniority: string;
  employmentType: string;
  salaryMin: string;
  salaryMax: string;
  currency: string;
  salaryPeriod: string;
  remote: boolean;
  verified: boolean;
  place: string;
  radiusKm: string;
  /** The browser's own location, when "Use my location" was pressed (place then reads "My location"). */
  here: { lat: number; lng: number } | null;
  /** Empty: nearest first with a place, newest first otherwise. */
  sort: string;
}

export const EMPTY_FILTERS: Filters = {
  q: "",
  tags: "",
  allTags: false,
  role: "",
  seniority: "",
  employmentType: "",
  salaryMin: "",
  salaryMax: "",
  currency: "EUR",
  salaryPeriod: "year",
  remote: false,
  verified: false,
  place: "",
  radiusKm: "50",
  here: null,
  sort: "",
};

const oneOf = (value: string | null, allowed: readonly string[], fallback: string) => (value !== null && allowed.includes(value) ? value : fallback);

export function filtersFromSearch(search: string): Filters {
  const params = new URLSearchParams(search);
  const text = (name: string, fallback = "") => params.get(name)?.slice(0, 200) ?? fallback;
  const lat = Number(params.get("lat"));
  const lng = Number(params.get("lng"));
  const here = params.has("lat") && params.has("lng") && Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : null;
  return {
    q: text("q"),
    tags: text("tags"),
    allTags: params.get("tagsMode") === "all",
    role: text("role"),
    seniority: oneOf(params.get("seniority"), SENIORITIES, ""),
    employmentType: oneOf(params.get("employmentType"), EMPLOYMENT_TYPES, ""),
    salaryMin: text("salaryMin"),
    salaryMax: text("salaryMax"),
    currency: oneOf(params.get("currency"), CURRENCIES, "EUR"),
    salaryPeriod: oneOf(params.get("salaryPeriod"), PERIODS, "year"),
    remote: params.get("remote") === "true",
    verified: params.get("verified") === "true",
    place: here ? "My location" : text("place"),
    radiusKm: text("radiusKm", "50"),
    here,
    sort: oneOf(params.get("sort"), SORTS, ""),
  };
}

/** The address's query for `filters`: only what differs from an empty search. */
export function searchOf(filters: Filters): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string | boolean) => {
    if (typeof value === "boolean" ? value : value.trim()) params.set(name, typeof value === "boolean" ? "true" : value.trim());
  };
  put("q", filters.q);
  put("tags", filters.tags);
  if (filters.allTags) params.set("tagsMode", "all");
  put("role", filters.role);
  put("seniority", filters.seniority);
  put("employmentType", filters.employmentType);
  put("salaryMin", filters.salaryMin);
  put("salaryMax", filters.salaryMax);
  if (filters.salaryMin.trim() || filters.salaryMax.trim() || filters.sort === "salary") {
    params.set("currency", filters.currency);
    if (filters.salaryPeriod !== "year") params.set("salaryPeriod", filters.salaryPeriod);
  }
  put("remote", filters.remote);
  put("verified", filters.verified);
  if (filters.here) {
    params.set("lat", String(filters.here.lat));
    params.set("lng", String(filters.here.lng));
  } else put("place", filters.place);
  if (filters.here || filters.place.trim()) params.set("radiusKm", filters.radiusKm || "50");
  put("sort", filters.sort);
  const text = params.toString();
  return text ? `?${text}` : "";
}

const amount = (text: string) => String(Math.max(0, Math.floor(Number(text) || 0)));

/** The API's query for `filters`, or what is wrong with them in words. */
export function queryOf(filters: Filters): { query: SearchQuery } | { problem: string } {
  const query: SearchQuery = { limit: "20" };
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.tags.trim()) {
    query.tags = filters.tags;
    if (filters.allTags) query.tagsMode = "all";
  }
  if (filters.role.trim()) query.role = filters.role.trim().toLowerCase();
  if (filters.seniority) query.seniority = filters.seniority;
  if (filters.employmentType) query.employmentType = filters.employmentType;
  if (filters.remote) query.remote = "true";
  if (filters.verified) query.verified = "true";
  const salary = filters.salaryMin.trim() || filters.salaryMax.trim();
  if (filters.salaryMin.trim()) query.salaryMin = amount(filters.salaryMin);
  if (filters.salaryMax.trim()) query.salaryMax = amount(filters.salaryMax);
  if (salary && query.salaryMin && query.salaryMax && Number(query.salaryMin) > Number(query.salaryMax)) {
    return { problem: "The lowest salary is above the highest: swap them or clear one." };
  }
  if (salary || filters.sort === "salary") {
    query.currency = filters.currency;
    query.salaryPeriod = filters.salaryPeriod;
  }
  const point = filters.here ?? (filters.place.trim() ? findCity(filters.place) : null);
  if (filters.place.trim() && !filters.here && !point) return { problem: `We do not know "${filters.place}": try a larger city nearby, or use your location.` };
  if (point) Object.assign(query, { lat: String(point.lat), lng: String(point.lng), radiusKm: filters.radiusKm || "50" });
  const sort = filters.sort || (point ? "distance" : "newest");
  if (sort === "distance" && !point) return { problem: "Nearest first needs a place: type a city or use your location." };
  query.sort = sort;
  return { query };
}
