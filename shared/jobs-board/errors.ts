import { defineErrors } from "../http/errors";

/** The error codes of the jobs board: profiles, companies, vacancies and AI drafts. */
export const jobsBoardErrors = defineErrors({
  invalid_link: { status: 400, description: "A profile link is not a URL." },
  invalid_tag: { status: 400, description: "A tag is not of the allowed form." },
  invalid_website: { status: 400, description: "The company website is not a URL." },
  too_many_links: { status: 400, description: "A profile has too many links." },
  too_many_tags: { status: 400, description: "Too many distinct tags." },
  cannot_follow_self: { status: 400, description: "A profile cannot follow itself." },
  already_verified: { status: 409, description: "The company is verified already." },
  last_owner: { status: 409, description: "The company's last owner cannot become a recruiter." },
  already_member: { status: 409, description: "The invited user is a member of the company already." },
  too_many_invitations: { status: 409, description: "The company has 50 open invitations; revoke some first." },
  company_limit_reached: { status: 409, description: "The user created UNVERIFIED_COMPANIES_PER_USER companies that are not verified." },
  not_pending: { status: 409, description: "The company has no pending verification request." },
  not_publishable: { status: 409, description: "The vacancy's status does not allow publishing." },
  publish_limit_reached: {
    status: 409,
    description:
      "An unverified company, or the unverified companies of the publisher together, have UNVERIFIED_COMPANY_MAX_PUBLISHED vacancies published or scheduled.",
  },
  vacancy_closed: { status: 409, description: "A closed vacancy cannot be edited." },
  not_closed: { status: 409, description: "Only a closed vacancy can be reopened." },
  already_applied: {
    status: 409,
    description: "The candidate applied to this vacancy already (one application per candidate and vacancy, withdrawn ones included).",
  },
  vacancy_not_open: { status: 409, description: "The vacancy is closed: it takes no applications." },
  invalid_transition: { status: 409, description: "The application cannot move to that status from its current one (docs/jobs-board.md, Applications)." },
  invalid_cv: { status: 400, description: "A CV is one of your document files: PDF, Office or OpenDocument, or plain text." },
  candidate_gone: { status: 409, description: "The candidate deleted their account; the application is kept anonymised." },
  too_many_saved_searches: { status: 409, description: "A user keeps at most 10 saved searches." },
  ai_unavailable: { status: 503, description: "The AI model (JOBS_AI_MODEL) is not configured." },
  queue_unavailable: { status: 503, description: "The AI task could not be queued; try again." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    jobsBoard: typeof jobsBoardErrors;
  }
}
