import { z } from "zod";
import type { VideoView } from "../../video/model";
import type { VacancyRow } from "./records";

export interface VacancyView {
  id: string;
  companyId: string;
  company: { id: string; name: string; verified: boolean };
  title: string;
  description: string;
  tags: string[];
  role: string;
  employmentType: "full-time" | "part-time" | "contract" | "internship" | "temporary";
  seniority: "intern" | "junior" | "middle" | "senior" | "lead" | "principal";
  salary: { min: number; max: number; currency: string; period: "hour" | "month" | "year" } | null;
  remote: boolean;
  location: { lat: number; lng: number; place: string } | null;
  status: "draft" | "scheduled" | "published" | "closed";
  publishAt: string | null;
  publishedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  distanceKm?: number;
  /** Members only, in single-vacancy replies. */
  videoId?: string | null;
  /** `GET /v1/vacancies/:id` only. */
  video?: VideoView | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function vacancyView(row: VacancyRow): VacancyView {
  const v = row.vacancy;
  return {
    id: v.id,
    companyId: v.companyId,
    company: { id: row.company.id, name: row.company.name, verified: row.company.verification === "verified" },
    title: v.title,
    description: v.description,
    tags: JSON.parse(v.tags) as string[],
    role: v.role,
    employmentType: v.employmentType,
    seniority: v.seniority,
    salary:
      v.salaryMin !== null && v.salaryMax !== null && v.salaryCurrency !== null && v.salaryPeriod !== null
        ? { min: v.salaryMin, max: v.salaryMax, currency: v.salaryCurrency, period: v.salaryPeriod }
        : null,
    remote: v.remote,
    location: v.lat !== null && v.lng !== null ? { lat: v.lat, lng: v.lng, place: v.place ?? "" } : null,
    status: v.status,
    publishAt: iso(v.publishAt),
    publishedAt: iso(v.publishedAt),
    closedAt: iso(v.closedAt),
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

const ms = z
  .number()
  .int()
  .nullable()
  .transform((n) => (n === null ? null : new Date(n)));
const flag = z.union([z.number(), z.boolean()]).transform(Boolean);

/** A row of a search statement (vacancies/records.ts): the vacancy, its company, and its cursor keys. */
export const SearchRowSchema = z.object({
  seq: z.number().int(),
  distance_km: z.number().nullable(),
  salary_max_year: z.number().int().nullable(),
  id: z.string(),
  company_id: z.string(),
  company_name: z.string(),
  company_verified: flag,
  title: z.string(),
  description: z.string(),
  tags: z.string(),
  role: z.string(),
  employment_type: z.enum(["full-time", "part-time", "contract", "internship", "temporary"]),
  seniority: z.enum(["intern", "junior", "middle", "senior", "lead", "principal"]),
  salary_min: z.number().int().nullable(),
  salary_max: z.number().int().nullable(),
  salary_currency: z.string().nullable(),
  salary_period: z.enum(["hour", "month", "year"]).nullable(),
  remote: flag,
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  place: z.string().nullable(),
  status: z.enum(["draft", "scheduled", "published", "closed"]),
  publish_at: ms,
  published_at: ms,
  closed_at: ms,
  created_at: ms.pipe(z.date()),
  updated_at: ms.pipe(z.date()),
});

export function vacancyViewOfSearchRow(row: z.output<typeof SearchRowSchema>): VacancyView {
  const view = vacancyView({
    vacancy: {
      id: row.id,
      companyId: row.company_id,
      title: row.title,
      description: row.description,
      tags: row.tags,
      role: row.role,
      employmentType: row.employment_type,
      seniority: row.seniority,
      salaryMin: row.salary_min,
      salaryMax: row.salary_max,
      salaryCurrency: row.salary_currency,
      salaryPeriod: row.salary_period,
      salaryMinYear: null,
      salaryMaxYear: row.salary_max_year,
      remote: row.remote,
      lat: row.lat,
      lng: row.lng,
      place: row.place,
      cell: null,
      coarseCell: null,
      status: row.status,
      publishAt: row.publish_at,
      publishedAt: row.published_at,
      closedAt: row.closed_at,
      videoId: null,
      createdBy: "",
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    company: { id: row.company_id, name: row.company_name, verification: row.company_verified ? "verified" : "none" },
  });
  if (row.distance_km !== null) view.distanceKm = row.distance_km;
  return view;
}
