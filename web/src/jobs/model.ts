// The jobs board's shapes as the screens use them (the API's Vacancy, Company, Application).
export type VacancyStatus = "draft" | "scheduled" | "published" | "closed";
export type ApplicationStatus = "submitted" | "reviewing" | "interview" | "offer" | "hired" | "rejected" | "withdrawn";

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

export interface Application {
  id: string;
  vacancy: { id: string; title: string; status: VacancyStatus };
  company: { id: string; name: string };
  candidate: { id: string; displayName: string } | null;
  coverLetter: string;
  hasCv: boolean;
  videoId: string | null;
  status: ApplicationStatus;
  note: string | null;
  nextStatuses: ApplicationStatus[];
  history?: { from: ApplicationStatus | null; to: ApplicationStatus; note: string | null; by: "candidate" | "company" | null; at: string }[];
  createdAt: string;
  updatedAt: string;
}

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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong";
}
