import { jobsAccount } from "../../shared/jobs-board/account";
import { jobsBoardErrors } from "../../shared/jobs-board/errors";
import { jobsBoardVarSection } from "../../shared/jobs-board/vars";
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
    profiles: mount("/v1/profiles", async () => (await import("../api/routes/profiles")).profileRoutes),
    companies: mount("/v1/companies", async () => (await import("../api/routes/companies")).companyRoutes),
    vacancies: mount("/v1/vacancies", async () => (await import("../api/routes/vacancies")).vacancyRoutes),
    admin: mount("/v1/admin", async () => (await import("../api/routes/vacancies")).jobsAdminRoutes),
    applications: mount("/v1/applications", async () => (await import("../api/routes/applications")).applicationRoutes),
    myApplications: mount("/v1/me/applications", async () => (await import("../api/routes/applications")).myApplicationRoutes),
    myCompanies: mount("/v1/me/companies", async () => (await import("../api/routes/company-lists")).myCompanyRoutes),
    companyModeration: mount("/v1/moderation/companies", async () => (await import("../api/routes/company-lists")).companyModerationRoutes),
    companyFollows: mount("/v1/companies", async () => (await import("../api/routes/company-follows")).companyFollowRoutes),
    followedCompanies: mount("/v1/me/followed-companies", async () => (await import("../api/routes/company-follows")).followedCompanyRoutes),
    savedSearches: mount("/v1/me/saved-searches", async () => (await import("../api/routes/saved-searches")).savedSearchRoutes),
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
