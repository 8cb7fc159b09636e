import { z } from "@hono/zod-openapi";
import { VideoSchema } from "../video/model";

/** The jobs board's shapes as clients see them, in REST replies and in the hub's `company.verification` frame. */

export const LocationSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    place: z.string().trim().max(200),
  })
  .openapi("JobsLocation");

export const PROFILE_VISIBILITIES = ["everyone", "recruiters", "hidden"] as const;

export const ProfileVisibilitySchema = z.enum(PROFILE_VISIBILITIES).openapi("ProfileVisibility", {
  description:
    "Who may see the profile: `everyone` (the default: anyone, as a public profile), `recruiters` (members of any company, and the people you follow) or `hidden` (only you). Whatever the setting, the members of a company you applied to and admins see it; anyone else gets `404` as for an unknown user, and does not find you in follower lists. In a profile, only its owner sees this field.",
});

export const ProfileSchema = z
  .object({
    userId: z.string(),
    displayName: z.string(),
    headline: z.string(),
    bio: z.string(),
    tags: z.array(z.string()),
    location: LocationSchema.nullable(),
    avatarUrl: z.string().nullable(),
    links: z.array(z.object({ label: z.string().nullable(), url: z.string() })),
    followerCount: z.number().int(),
    followingCount: z.number().int(),
    viewCount: z.number().int().optional().openapi({ description: "Only in the owner's own profile" }),
    // No description of its own here: it would replace the shared schema's (which says only the owner sees the field).
    visibility: ProfileVisibilitySchema.optional(),
    followedByMe: z.boolean().openapi({ description: "Always false without a token" }),
    videoId: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "Only in the owner's own profile: the video set as the introduction, whatever its status" }),
    video: VideoSchema.nullable().openapi({ description: "The video introduction, while it is approved and visible to the viewer" }),
  })
  .openapi("Profile");

export const CompanySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    about: z.string(),
    website: z.string().nullable(),
    iconUrl: z.string().nullable(),
    verification: z.enum(["none", "pending", "verified", "rejected"]),
    verificationNote: z.string().nullable().openapi({ description: "The owner's note with the request; null for non-members" }),
    verificationReason: z.string().nullable().optional().openapi({ description: "The moderator's reason for the last decision; members only" }),
    members: z.array(z.object({ userId: z.string(), role: z.enum(["owner", "recruiter"]) })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Company");

export const CompanyInvitationSchema = z
  .object({
    companyId: z.string(),
    companyName: z.string(),
    userId: z.string().openapi({ description: "Who is invited" }),
    role: z.enum(["owner", "recruiter"]),
    invitedBy: z.string(),
    createdAt: z.string(),
  })
  .openapi("CompanyInvitation");

export const EMPLOYMENT_TYPES = ["full-time", "part-time", "contract", "internship", "temporary"] as const;
export const SENIORITIES = ["intern", "junior", "middle", "senior", "lead", "principal"] as const;
export const SALARY_PERIODS = ["hour", "month", "year"] as const;
export const VACANCY_STATUSES = ["draft", "scheduled", "published", "closed"] as const;

export const SalarySchema = z
  .object({
    min: z.number().int().min(0).max(1_000_000_000),
    max: z.number().int().min(0).max(1_000_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. EUR"),
    period: z.enum(SALARY_PERIODS),
  })
  .refine((s) => s.min <= s.max, { message: "min must not exceed max", path: ["min"] })
  .openapi("Salary");

export const VacancySchema = z
  .object({
    id: z.string(),
    companyId: z.string(),
    company: z.object({ id: z.string(), name: z.string(), verified: z.boolean() }),
    title: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    role: z.string(),
    employmentType: z.enum(EMPLOYMENT_TYPES),
    seniority: z.enum(SENIORITIES),
    salary: SalarySchema.nullable(),
    remote: z.boolean(),
    location: LocationSchema.nullable(),
    status: z.enum(VACANCY_STATUSES),
    publishAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    distanceKm: z.number().optional().openapi({ description: "Great-circle distance from the searched point, with lat, lng and radiusKm" }),
    videoId: z.string().nullable().optional().openapi({ description: "Members only (single vacancy replies): the video set, whatever its status" }),
    video: VideoSchema.nullable()
      .optional()
      .openapi({ description: "`GET /v1/vacancies/{id}` only: the vacancy's video, while it is approved and visible to the viewer" }),
  })
  .openapi("Vacancy");

export const APPLICATION_STATUS_VALUES = ["submitted", "reviewing", "interview", "offer", "hired", "rejected", "withdrawn"] as const;

export const ApplicationEventSchema = z
  .object({
    from: z.enum(APPLICATION_STATUS_VALUES).nullable(),
    to: z.enum(APPLICATION_STATUS_VALUES),
    note: z.string().nullable(),
    by: z.enum(["candidate", "company"]).nullable().openapi({ description: "Who moved it; null when the system did (an account deletion)" }),
    at: z.string(),
  })
  .openapi("ApplicationEvent");

export const ApplicationSchema = z
  .object({
    id: z.string(),
    vacancy: z.object({ id: z.string(), title: z.string(), status: z.enum(["draft", "scheduled", "published", "closed"]) }),
    company: z.object({ id: z.string(), name: z.string() }),
    candidate: z
      .object({ id: z.string(), displayName: z.string() })
      .nullable()
      .openapi({ description: "Null once the candidate deleted their account (the application is kept anonymised for the company)" }),
    coverLetter: z.string(),
    hasCv: z.boolean().openapi({ description: "Read it through `GET /v1/applications/{id}/cv`" }),
    videoId: z.string().nullable(),
    status: z.enum(APPLICATION_STATUS_VALUES),
    note: z.string().nullable().openapi({ description: "The company's last note to the candidate" }),
    nextStatuses: z
      .array(z.enum(APPLICATION_STATUS_VALUES))
      .openapi({ description: "Where the viewer may move it now (company members: forward or rejected; the candidate: withdrawn)" }),
    history: z.array(ApplicationEventSchema).optional().openapi({ description: "Status changes, oldest first (single application replies only)" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Application");
