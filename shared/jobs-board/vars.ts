import { z } from "zod";
import { customVar, defineVars, numberWhereVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";

/** The vars of the jobs board (docs/jobs-board.md). */
export const jobsBoardVars = defineVars({
  UNVERIFIED_COMPANY_MAX_PUBLISHED: numberWhereVar(3, (n) => Number.isInteger(n) && n >= 0, {
    description:
      "Vacancies an unverified company may have published or scheduled at once; also what all the unverified companies one member belongs to may have together.",
  }),
  UNVERIFIED_COMPANIES_PER_USER: numberWhereVar(3, (n) => Number.isInteger(n) && n >= 1, {
    description: "Companies one user may have created that are not verified (creating another answers 409 company_limit_reached).",
  }),
  JOBS_AI_MODEL: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value) => value?.trim() || "dev-text"),
    "text",
    { description: "The studio model (id) that writes vacancy drafts and profile analyses (`dev-text` exists in development only)." },
  ),
  RATE_LIMIT_JOBS_AI_PER_USER: rateLimitVar(
    { limit: 20, windowSeconds: 3600 },
    { description: "AI requests (vacancy drafts and profile analyses together) one user may start." },
  ),
});

function jobsBoardConfig(v: ParsedVars) {
  return {
    jobs: {
      /** Vacancies an unverified company may have published or scheduled at once. */
      unverifiedCompanyMaxPublished: v.UNVERIFIED_COMPANY_MAX_PUBLISHED,
      /** Companies one user may have created that are not verified. */
      unverifiedCompaniesPerUser: v.UNVERIFIED_COMPANIES_PER_USER,
      /** The studio model (id) that writes vacancy drafts and profile analyses. */
      aiModel: v.JOBS_AI_MODEL,
      /** AI requests (vacancy drafts and profile analyses together) one user may start per window. */
      aiRateLimit: v.RATE_LIMIT_JOBS_AI_PER_USER,
    },
  };
}

export const jobsBoardVarSection = varSection("jobsBoard", jobsBoardVars, jobsBoardConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    jobsBoard: typeof jobsBoardVars;
  }
  interface ConfigSections {
    jobsBoard: ReturnType<typeof jobsBoardConfig>;
  }
}
