// The jobs board's shapes as the screens use them (the API's Vacancy, Company, Application).
import type { ApplicationView } from "../../../shared/jobs-board/applications/applications";
import type { ApplicationStatus } from "../../../shared/jobs-board/applications/records";
export type VacancyStatus = "draft" | "scheduled" | "published" | "closed";
export type { ApplicationStatus };

export interface Vacancy {
  id: string;
  companyId: string;
  company: { id: string; name: string; verified: boolean };
  title: string;
  description: string;
  tags: string[];
  role: string;
  employmentType: string;
  seniority: string;
  salary: { min: number; max: number; currency: string; period: "hour" | "month" | "year" } | null;
  remote: boolean;
  location: { lat: number; lng: number; place: string } | null;
  status: VacancyStatus;
  publishedAt: string | null;
  publishAt?: string | null;
  distanceKm?: number;
  /** On a single vacancy: its video, while approved and visible. */
  video?: { id: string; title: string; thumbnailUrl: string | null; durationSeconds: number | null } | null;
}

export interface Company {
  id: string;
  name: string;
  about: string;
  website: string | null;
  iconUrl: string | null;
  verification: "none" | "pending" | "verified" | "rejected";
  verificationNote: string | null;
  verificationReason?: string | null;
  members: { userId: string; role: "owner" | "recruiter" }[];
  myRole?: "owner" | "recruiter";
}

/** An application as the API answers it: the server's own view type (imported as a type only). */
export type Application = ApplicationView;

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  submitted: "Submitted",
  reviewing: "Reviewing",
  interview: "Interview",
  offer: "Offer",
  hired: "Hired",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

/** The pipeline's columns, in order. */
export const PIPELINE_COLUMNS: ApplicationStatus[] = ["submitted", "reviewing", "interview", "offer", "hired", "rejected", "withdrawn"];

/** The API's seniorities and employment types in people's words ("middle" is "Mid-level"). */
export const SENIORITY_WORDS: Readonly<Record<string, string>> = {
  intern: "Intern",
  junior: "Junior",
  middle: "Mid-level",
  senior: "Senior",
  lead: "Lead",
  principal: "Principal",
};
export const EMPLOYMENT_WORDS: Readonly<Record<string, string>> = {
  "full-time": "Full-time",
  "part-time": "Part-time",
  contract: "Contract",
  internship: "Internship",
  temporary: "Temporary",
};
/** A salary's period in a menu: "Salary per Year" reads as the field's label and its value. */
export const PERIOD_WORDS: Readonly<Record<string, string>> = { year: "Year", month: "Month", hour: "Hour" };
/** A vacancy's status on its own page, for the company's members. */
export const VACANCY_STATUS_WORDS: Record<VacancyStatus, string> = { draft: "Draft", scheduled: "Scheduled", published: "Published", closed: "Closed" };

/** "Senior · Full-time · backend": what kind of job it is, in one line (the role is the company's own word). */
export function kindOfJob(vacancy: Pick<Vacancy, "seniority" | "employmentType"> & { role?: string }): string {
  return [SENIORITY_WORDS[vacancy.seniority] ?? vacancy.seniority, EMPLOYMENT_WORDS[vacancy.employmentType] ?? vacancy.employmentType, vacancy.role]
    .filter(Boolean)
    .join(" · ");
}

/** How far a vacancy is from the place searched: "Under 1 km away" (not "0.0 km"), "2.4 km away", "23 km away". */
export function distanceText(km: number): string {
  if (km < 1) return "Under 1 km away";
  return `${km < 10 ? km.toFixed(1) : Math.round(km)} km away`;
}

export function salaryText(salary: Vacancy["salary"]): string | null {
  if (!salary) return null;
  const format = (n: number) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(n);
  return `${format(salary.min)}–${format(salary.max)} ${salary.currency} a ${salary.period}`;
}
