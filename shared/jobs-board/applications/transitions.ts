import type { ApplicationStatus } from "./records";

/** The pipeline a company moves an application along, in order. */
export const PIPELINE = ["submitted", "reviewing", "interview", "offer", "hired"] as const satisfies readonly ApplicationStatus[];

/** Statuses an application can still leave: hired, rejected and withdrawn are final. */
export const OPEN_STATUSES = ["submitted", "reviewing", "interview", "offer"] as const satisfies readonly ApplicationStatus[];

export const isOpen = (status: ApplicationStatus): boolean => (OPEN_STATUSES as readonly ApplicationStatus[]).includes(status);

/**
 * Who may move an application where. A company member moves an open application forward along
 * the pipeline (skipping steps is allowed: a strong candidate may go straight to an interview) or
 * rejects it; never back, since the candidate was told each step. The candidate only withdraws an
 * open application. Hired, rejected and withdrawn are final.
 */
export function canMove(from: ApplicationStatus, to: ApplicationStatus, by: "company" | "candidate"): boolean {
  if (!isOpen(from)) return false;
  if (by === "candidate") return to === "withdrawn";
  if (to === "rejected") return true;
  const target = (PIPELINE as readonly ApplicationStatus[]).indexOf(to);
  return target > (PIPELINE as readonly ApplicationStatus[]).indexOf(from);
}

/** Where a company member may move an application from `from` (what the pipeline screen offers). */
export function nextStatuses(from: ApplicationStatus): ApplicationStatus[] {
  return ([...PIPELINE, "rejected"] as ApplicationStatus[]).filter((to) => canMove(from, to, "company"));
}
