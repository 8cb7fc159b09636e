import { jobsAccount } from "../../shared/jobs-board/account";
import { jobsBoardErrors } from "../../shared/jobs-board/errors";
import { jobsBoardVarSection } from "../../shared/jobs-board/vars";
import { applicationRoutes, myApplicationRoutes } from "../api/routes/applications";
import { companyRoutes } from "../api/routes/companies";
import { companyModerationRoutes, myCompanyRoutes } from "../api/routes/company-lists";
import { savedSearchRoutes } from "../api/routes/saved-searches";
import { profileRoutes } from "../api/routes/profiles";
import { jobsAdminRoutes, vacancyRoutes } from "../api/routes/vacancies";
import {
  jobsAiJob,
  jobsDigestJob,
  memberlessCompaniesSweepTask,
  savedSearchDigestTask,
  profileViewsCleanupTask,
  publishScheduledVacanciesTask,
} from "../jobs/jobs-board";
import { defineModule, mount } from "../module-manifest";

/** The jobs board: profiles, companies, vacancies, search and AI drafts. */
export const jobsBoardModule = defineModule({
  name: "jobsBoard",
  routes: {
    profiles: mount("/v1/profiles", profileRoutes),
    companies: mount("/v1/companies", companyRoutes),
    vacancies: mount("/v1/vacancies", vacancyRoutes),
    admin: mount("/v1/admin", jobsAdminRoutes),
    applications: mount("/v1/applications", applicationRoutes),
    myApplications: mount("/v1/me/applications", myApplicationRoutes),
    myCompanies: mount("/v1/me/companies", myCompanyRoutes),
    companyModeration: mount("/v1/moderation/companies", companyModerationRoutes),
    savedSearches: mount("/v1/me/saved-searches", savedSearchRoutes),
  },
  account: jobsAccount,
  jobs: { "jobs.ai": jobsAiJob, "jobs.digest": jobsDigestJob },
  cron: {
    "17 3 * * *": [profileViewsCleanupTask, memberlessCompaniesSweepTask, savedSearchDigestTask],
    "* * * * *": [publishScheduledVacanciesTask],
  },
  vars: jobsBoardVarSection,
  errors: jobsBoardErrors,
});
