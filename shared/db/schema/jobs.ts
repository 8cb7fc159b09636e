import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/** A user's jobs-board profile; created on the first edit or follow (a user without one shows empty fields). */
export const profiles = sqliteTable("profiles", {
  userId: text("user_id").primaryKey(),
  headline: text("headline").notNull().default(""),
  bio: text("bio").notNull().default(""),
  /** JSON array of normalised tags. */
  tags: text("tags").notNull().default("[]"),
  lat: real("lat"),
  lng: real("lng"),
  place: text("place"),
  /** JSON array of {label, url}. */
  links: text("links").notNull().default("[]"),
  /** The owner's video introduction (one of their videos): shown only while approved and visible to the viewer. */
  videoId: text("video_id"),
  followerCount: integer("follower_count").notNull().default(0),
  followingCount: integer("following_count").notNull().default(0),
  viewCount: integer("view_count").notNull().default(0),
  /**
   * Who may see the profile (issue 47): everyone, recruiters (company members) and the people the
   * owner follows, or only the owner. Companies the owner applied to and admins always see it.
   */
  visibility: text("visibility", { enum: ["everyone", "recruiters", "hidden"] })
    .notNull()
    .default("everyone"),
  updatedAt: timestamp("updated_at").notNull(),
});

export const follows = sqliteTable(
  "follows",
  {
    followerId: text("follower_id").notNull(),
    followeeId: text("followee_id").notNull(),
    /** Written by the request that created the row: only that request moves the counts. */
    token: text("token").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    index("follows_followee_idx").on(t.followeeId, t.createdAt, t.followerId),
    index("follows_follower_idx").on(t.followerId, t.createdAt, t.followeeId),
  ],
);

/** One row per viewer, profile and UTC day: the view counted that day. */
export const profileViews = sqliteTable(
  "profile_views",
  {
    profileId: text("profile_id").notNull(),
    viewerId: text("viewer_id").notNull(),
    day: text("day").notNull(),
    token: text("token").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.viewerId, t.day] }),
    index("profile_views_day_idx").on(t.day),
    // The owner's list of who viewed the profile, newest day first.
    index("profile_views_profile_day_idx").on(t.profileId, t.day, t.viewerId),
  ],
);

export const companies = sqliteTable(
  "companies",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    about: text("about").notNull().default(""),
    website: text("website"),
    iconFileId: text("icon_file_id"),
    iconUrl: text("icon_url"),
    verification: text("verification", { enum: ["none", "pending", "verified", "rejected"] })
      .notNull()
      .default("none"),
    /** What the owner wrote when asking for verification. */
    verificationNote: text("verification_note"),
    /** Why a moderator rejected (or approved) it. */
    verificationReason: text("verification_reason"),
    verifiedAt: timestamp("verified_at"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  // Deleting a file clears the icons made of it; lists by verification (search, the moderators' queue) walk (verification, id).
  (t) => [index("companies_icon_file_idx").on(t.iconFileId), index("companies_verification_idx").on(t.verification, t.id)],
);

export const companyMembers = sqliteTable(
  "company_members",
  {
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["owner", "recruiter"] }).notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.userId] }), index("company_members_user_idx").on(t.userId)],
);

/**
 * An owner's invitation to join a company (issue 23, finding 7): nobody becomes a member without
 * accepting. One per company and invitee; accepting turns it into a membership in one batch.
 */
/** A user following a company (its new vacancies and news); gone with the company. */
export const companyFollows = sqliteTable(
  "company_follows",
  {
    userId: text("user_id").notNull(),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.companyId] }),
    // The follower count, and the company's follower list newest first (keyset on created_at, user_id).
    index("company_follows_company_idx").on(t.companyId, t.createdAt, t.userId),
    index("company_follows_user_idx").on(t.userId, t.createdAt, t.companyId),
  ],
);

export const companyInvitations = sqliteTable(
  "company_invitations",
  {
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["owner", "recruiter"] }).notNull(),
    invitedBy: text("invited_by").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.userId] }), index("company_invitations_user_idx").on(t.userId)],
);

export const vacancies = sqliteTable(
  "vacancies",
  {
    id: text("id").primaryKey(),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    /** JSON array of normalised tags. */
    tags: text("tags").notNull().default("[]"),
    role: text("role").notNull(),
    employmentType: text("employment_type", { enum: ["full-time", "part-time", "contract", "internship", "temporary"] }).notNull(),
    seniority: text("seniority", { enum: ["intern", "junior", "middle", "senior", "lead", "principal"] }).notNull(),
    salaryMin: integer("salary_min"),
    salaryMax: integer("salary_max"),
    salaryCurrency: text("salary_currency"),
    salaryPeriod: text("salary_period", { enum: ["hour", "month", "year"] }),
    /** The salary range per year, what search compares and sorts by. */
    salaryMinYear: integer("salary_min_year"),
    salaryMaxYear: integer("salary_max_year"),
    remote: integer("remote", { mode: "boolean" }).notNull().default(false),
    lat: real("lat"),
    lng: real("lng"),
    place: text("place"),
    /** FINE_GRID and COARSE_GRID cells of the location (shared/jobs-board/geo.ts). */
    cell: integer("cell"),
    coarseCell: integer("coarse_cell"),
    status: text("status", { enum: ["draft", "scheduled", "published", "closed"] })
      .notNull()
      .default("draft"),
    publishAt: timestamp("publish_at"),
    publishedAt: timestamp("published_at"),
    closedAt: timestamp("closed_at"),
    /** A member's video about the job: shown only while approved and visible to the viewer. */
    videoId: text("video_id"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [index("vacancies_company_status_idx").on(t.companyId, t.status, t.id), index("vacancies_status_publish_at_idx").on(t.status, t.publishAt)],
);

/**
 * The search index: one row per published vacancy, derived from `vacancies` and `companies` and
 * rebuildable from them. `seq` grows with each publication, so newest-first is rowid order.
 * Triggers (custom SQL of migrations 0007 and 0009) keep in step with this table: the posting
 * lists `vacancy_fts` (rowid = seq) and `vacancy_salary_fts` (rowid = salary key), whose `facets`
 * column holds a token per filter value (the view `vacancy_search_facets` writes them), the R*Tree
 * `vacancy_geo` (distance order) and `vacancy_search_counts`. docs/jobs-board.md explains them.
 */
export const vacancySearch = sqliteTable(
  "vacancy_search",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    vacancyId: text("vacancy_id").notNull(),
    companyId: text("company_id").notNull(),
    verified: integer("verified", { mode: "boolean" }).notNull(),
    role: text("role").notNull(),
    employmentType: text("employment_type").notNull(),
    seniority: text("seniority").notNull(),
    remote: integer("remote", { mode: "boolean" }).notNull(),
    salaryCurrency: text("salary_currency"),
    salaryMinYear: integer("salary_min_year"),
    salaryMaxYear: integer("salary_max_year"),
    lat: real("lat"),
    lng: real("lng"),
    cell: integer("cell"),
    coarseCell: integer("coarse_cell"),
    tags: text("tags").notNull(),
    /** Text indexed by vacancy_fts; `tagsText` is the tags joined by spaces. */
    title: text("title").notNull(),
    description: text("description").notNull(),
    tagsText: text("tags_text").notNull(),
    publishedAt: timestamp("published_at").notNull(),
  },
  (t) => [
    uniqueIndex("vacancy_search_vacancy_unique").on(t.vacancyId),
    // A company's verification changes the rows of its vacancies.
    index("vacancy_search_company_idx").on(t.companyId),
  ],
);

/** Published vacancies per key (`all`, `cell:<coarse cell>`, `region:<2° cell>`): the density the distance search sizes its first ring by. */
export const vacancySearchCounts = sqliteTable("vacancy_search_counts", {
  key: text("key").primaryKey(),
  n: integer("n").notNull(),
});

/**
 * An AI task of the jobs board: a vacancy draft from a company member's notes, the analysis of a
 * user's profile, or a script for recording their video introduction. Stored before it is queued; the JOBS consumer runs it through the studio's
 * provider layer and keeps the validated result (or why it failed).
 */
export const jobsAiTasks = sqliteTable(
  "jobs_ai_tasks",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["vacancy-draft", "profile-analysis", "intro-script"] }).notNull(),
    userId: text("user_id").notNull(),
    companyId: text("company_id"),
    /** JSON: what the model is asked with (notes, the profile). */
    input: text("input").notNull(),
    status: text("status", { enum: ["pending", "completed", "failed"] })
      .notNull()
      .default("pending"),
    modelId: text("model_id").notNull(),
    /** The provider's task id while an asynchronous model works. */
    providerTaskId: text("provider_task_id"),
    /** Runs of the consumer so far (polls included). */
    attempts: integer("attempts").notNull().default(0),
    /** JSON: the validated answer. */
    result: text("result"),
    /** A vacancy draft's vacancy, created from the answer. */
    vacancyId: text("vacancy_id"),
    error: text("error"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [index("jobs_ai_tasks_user_idx").on(t.userId, t.createdAt)],
);

export const APPLICATION_STATUSES = ["submitted", "reviewing", "interview", "offer", "hired", "rejected", "withdrawn"] as const;

/**
 * A candidate's application to a vacancy: one per candidate and vacancy (the unique index). When
 * the candidate deletes their account the row stays for the company's records, anonymised:
 * `candidate_id`, the cover letter, the CV and the video are cleared (docs/jobs-board.md).
 * `company_id` is the vacancy's, copied so a company's list is one index range.
 */
export const jobApplications = sqliteTable(
  "job_applications",
  {
    id: text("id").primaryKey(),
    vacancyId: text("vacancy_id")
      .notNull()
      .references(() => vacancies.id, { onDelete: "cascade" }),
    companyId: text("company_id").notNull(),
    /** Null once the candidate deleted their account. */
    candidateId: text("candidate_id"),
    coverLetter: text("cover_letter").notNull().default(""),
    /** One of the candidate's document files; company members read it through a short signed URL while the application lives. */
    cvFileId: text("cv_file_id"),
    videoId: text("video_id"),
    status: text("status", { enum: APPLICATION_STATUSES }).notNull().default("submitted"),
    /** The last note a company member wrote to the candidate with a status change. */
    note: text("note"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("job_applications_vacancy_candidate_unique").on(t.vacancyId, t.candidateId),
    index("job_applications_candidate_idx").on(t.candidateId, t.id),
    index("job_applications_company_idx").on(t.companyId, t.id),
    index("job_applications_company_status_idx").on(t.companyId, t.status, t.id),
    index("job_applications_vacancy_idx").on(t.vacancyId, t.id),
    index("job_applications_vacancy_status_idx").on(t.vacancyId, t.status, t.id),
    index("job_applications_cv_file_idx").on(t.cvFileId),
  ],
);

/** Every status change of an application, with the note to the candidate and who made it (null once they deleted their account). */
export const jobApplicationEvents = sqliteTable(
  "job_application_events",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id")
      .notNull()
      .references(() => jobApplications.id, { onDelete: "cascade" }),
    fromStatus: text("from_status", { enum: APPLICATION_STATUSES }),
    toStatus: text("to_status", { enum: APPLICATION_STATUSES }).notNull(),
    note: text("note"),
    actorId: text("actor_id"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("job_application_events_application_idx").on(t.applicationId, t.id), index("job_application_events_actor_idx").on(t.actorId)],
);

/**
 * A company's verification history, what moderators read beside a pending request: each request
 * (with the owner's note), decision (with the moderator's reason) and reset by an edit. Written in
 * the batch of the change it records.
 */
export const companyVerificationEvents = sqliteTable(
  "company_verification_events",
  {
    id: text("id").primaryKey(),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["requested", "approved", "rejected", "reset"] }).notNull(),
    /** The owner's note, the moderator's reason, or what changed. */
    text: text("text"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("company_verification_events_company_idx").on(t.companyId, t.id)],
);

/**
 * A job seeker's saved search: the validated search (the query parameters of `GET /v1/vacancies`)
 * and when the daily digest last told them of new matches. At most `MAX_SAVED_SEARCHES` a user.
 */
export const jobSavedSearches = sqliteTable(
  "job_saved_searches",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    /** JSON: the query parameters as sent, shown back to the user. */
    query: text("query").notNull(),
    /** JSON: the VacancySearch they parsed to, what the digest runs. */
    search: text("search").notNull(),
    /** Vacancies published after this are new to the digest. */
    digestedAt: timestamp("digested_at").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("job_saved_searches_user_idx").on(t.userId, t.id)],
);
