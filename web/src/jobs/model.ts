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

export function salaryText(salary: Vacancy["salary"]): string | null {
  if (!salary) return null;
  const format = (n: number) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(n);
  return `${format(salary.min)}–${format(salary.max)} ${salary.currency} a ${salary.period}`;
}
