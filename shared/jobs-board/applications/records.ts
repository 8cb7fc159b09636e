import { and, eq, inArray, isNotNull, type SQL, sql, type SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import type { BatchQuery, Database } from "../../db/client";
import { APPLICATION_STATUSES, jobApplicationEvents, jobApplications } from "../../db/schema/jobs";

export type ApplicationRecord = typeof jobApplications.$inferSelect;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export type ApplicationEventRecord = typeof jobApplicationEvents.$inferSelect;

const ms = z
  .number()
  .int()
  .transform((n) => new Date(n));

/** A row of the list statements below: the application with its vacancy's title and status, its company's name and its candidate's name. */
export const ApplicationRowSchema = z.object({
  id: z.string(),
  vacancy_id: z.string(),
  company_id: z.string(),
  candidate_id: z.string().nullable(),
  cover_letter: z.string(),
  cv_file_id: z.string().nullable(),
  video_id: z.string().nullable(),
  status: z.enum(APPLICATION_STATUSES),
  note: z.string().nullable(),
  created_at: ms,
  updated_at: ms,
  vacancy_title: z.string(),
  vacancy_status: z.enum(["draft", "scheduled", "published", "closed"]),
  company_name: z.string(),
  candidate_name: z.string().nullable(),
});
export type ApplicationRow = z.output<typeof ApplicationRowSchema>;

const SELECT_ROW = sql`select a.id as id, a.vacancy_id as vacancy_id, a.company_id as company_id, a.candidate_id as candidate_id,
  a.cover_letter as cover_letter, a.cv_file_id as cv_file_id, a.video_id as video_id, a.status as status, a.note as note,
  a.created_at as created_at, a.updated_at as updated_at, v.title as vacancy_title, v.status as vacancy_status,
  c.name as company_name, u.display_name as candidate_name
  from job_applications a
  join vacancies v on v.id = a.vacancy_id
  join companies c on c.id = a.company_id
  left join users u on u.id = a.candidate_id`;

async function runRows(db: Database, query: SQL): Promise<{ rows: ApplicationRow[]; rowsRead: number }> {
  const result = await db.run(query);
  const rows = ((result.results ?? []) as unknown[]).map((row) => ApplicationRowSchema.parse(row));
  return { rows, rowsRead: result.meta?.rows_read ?? 0 };
}

export async function findApplicationRow(db: Database, id: string): Promise<ApplicationRow | undefined> {
  return (await runRows(db, sql`${SELECT_ROW} where a.id = ${id}`)).rows[0];
}

/**
 * Inserts the application and its first history event unless the candidate applied to the vacancy
 * already (the unique index decides, so two parallel applications make one); false then.
 */
export async function insertApplication(
  db: Database,
  application: typeof jobApplications.$inferInsert,
  event: typeof jobApplicationEvents.$inferInsert,
): Promise<boolean> {
  const [inserted] = await db.batch([
    db.insert(jobApplications).values(application).onConflictDoNothing().returning({ id: jobApplications.id }),
    db.insert(jobApplicationEvents).select(
      db
        .select({
          id: sql`${event.id}`.as("id"),
          applicationId: jobApplications.id,
          fromStatus: sql`${event.fromStatus ?? null}`.as("from_status"),
          toStatus: sql`${event.toStatus}`.as("to_status"),
          note: sql`${event.note ?? null}`.as("note"),
          actorId: sql`${event.actorId ?? null}`.as("actor_id"),
          createdAt: sql`${event.createdAt.getTime()}`.as("created_at"),
        })
        .from(jobApplications)
        .where(and(eq(jobApplications.id, application.id), eq(jobApplications.createdAt, application.createdAt))),
    ),
  ]);
  return inserted.length > 0;
}

/**
 * Moves the application from `from` to `to` with its history event, in one batch; the UPDATE only
 * applies while the status is still `from`, so of two racing changes one wins and the other is
 * refused (false), and the event is only written for the change that won.
 */
export async function moveApplication(
  db: Database,
  id: string,
  from: ApplicationStatus,
  change: { to: ApplicationStatus; note: string | null; keepNote: boolean; actorId: string | null; eventId: string; at: Date },
  extra: BatchQuery[] = [],
): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(jobApplications)
      .set({ status: change.to, updatedAt: change.at, ...(change.keepNote ? {} : { note: change.note }) })
      .where(and(eq(jobApplications.id, id), eq(jobApplications.status, from)))
      .returning({ id: jobApplications.id }),
    db.insert(jobApplicationEvents).select(
      db
        .select({
          id: sql`${change.eventId}`.as("id"),
          applicationId: jobApplications.id,
          fromStatus: sql`${from}`.as("from_status"),
          toStatus: sql`${change.to}`.as("to_status"),
          note: sql`${change.note}`.as("note"),
          actorId: sql`${change.actorId}`.as("actor_id"),
          createdAt: sql`${change.at.getTime()}`.as("created_at"),
        })
        .from(jobApplications)
        // The row this batch just moved (its updatedAt is this change's instant and its status the target).
        .where(and(eq(jobApplications.id, id), eq(jobApplications.status, change.to), eq(jobApplications.updatedAt, change.at))),
    ),
    ...extra,
  ]);
  return updated.length > 0;
}

export async function listApplicationEvents(db: Database, applicationId: string, limit = 50): Promise<ApplicationEventRecord[]> {
  return db.select().from(jobApplicationEvents).where(eq(jobApplicationEvents.applicationId, applicationId)).orderBy(jobApplicationEvents.id).limit(limit);
}

/**
 * A company's applications, newest first, through one index range: (company, id), (company,
 * status, id), (vacancy, id) or (vacancy, status, id); the vacancy filter is only used for a
 * vacancy of this company (the caller checks). `before` is the last id of the previous page.
 */
export async function listCompanyApplications(
  db: Database,
  companyId: string,
  filter: { vacancyId?: string; status?: ApplicationStatus; before?: string },
  limit: number,
): Promise<{ rows: ApplicationRow[]; rowsRead: number }> {
  const where = [
    filter.vacancyId ? sql`a.vacancy_id = ${filter.vacancyId}` : sql`a.company_id = ${companyId}`,
    ...(filter.status ? [sql`a.status = ${filter.status}`] : []),
    ...(filter.before ? [sql`a.id < ${filter.before}`] : []),
  ];
  return runRows(db, sql`${SELECT_ROW} where ${sql.join(where, sql` and `)} order by a.id desc limit ${limit}`);
}

/** The candidate's own applications, newest first (index (candidate, id)). */
export async function listCandidateApplications(db: Database, candidateId: string, before: string | undefined, limit: number): Promise<ApplicationRow[]> {
  const where = [sql`a.candidate_id = ${candidateId}`, ...(before ? [sql`a.id < ${before}`] : [])];
  return (await runRows(db, sql`${SELECT_ROW} where ${sql.join(where, sql` and `)} order by a.id desc limit ${limit}`)).rows;
}

/** Every application of the candidate (the data export; a person applies to a bounded number of vacancies a day). */
export async function listAllCandidateApplications(db: Database, candidateId: string): Promise<ApplicationRow[]> {
  return (await runRows(db, sql`${SELECT_ROW} where a.candidate_id = ${candidateId} order by a.id`)).rows;
}

export async function listEventsOf(db: Database, applicationIds: readonly string[]): Promise<ApplicationEventRecord[]> {
  if (applicationIds.length === 0) return [];
  return db
    .select()
    .from(jobApplicationEvents)
    .where(inArray(jobApplicationEvents.applicationId, [...applicationIds]))
    .orderBy(jobApplicationEvents.id);
}

/** Open applications of a vacancy (to tell them it closed), after `after` in id order. */
export async function listOpenApplicationsOfVacancy(
  db: Database,
  vacancyId: string,
  after: string | undefined,
  limit: number,
): Promise<Pick<ApplicationRecord, "id" | "candidateId">[]> {
  return db
    .select({ id: jobApplications.id, candidateId: jobApplications.candidateId })
    .from(jobApplications)
    .where(
      and(
        eq(jobApplications.vacancyId, vacancyId),
        inArray(jobApplications.status, ["submitted", "reviewing", "interview", "offer"]),
        isNotNull(jobApplications.candidateId),
        after ? sql`${jobApplications.id} > ${after}` : undefined,
      ),
    )
    .orderBy(jobApplications.id)
    .limit(limit);
}

/**
 * A deleted candidate's applications stay for the companies' records, anonymised: who applied,
 * the cover letter, the CV and the video go; an open application becomes `withdrawn`. Their own
 * status changes (withdrawals) keep no actor.
 */
export function anonymiseCandidateQueries(db: Database, candidateId: string, at: Date) {
  return [
    db
      .update(jobApplications)
      .set({ status: "withdrawn", updatedAt: at })
      .where(and(eq(jobApplications.candidateId, candidateId), inArray(jobApplications.status, ["submitted", "reviewing", "interview", "offer"]))),
    db.update(jobApplicationEvents).set({ actorId: null }).where(eq(jobApplicationEvents.actorId, candidateId)),
    db.update(jobApplications).set({ candidateId: null, coverLetter: "", cvFileId: null, videoId: null }).where(eq(jobApplications.candidateId, candidateId)),
  ];
}

/** A deleted company member's status changes keep no actor. */
export function forgetActorQueries(db: Database, userId: string) {
  return [db.update(jobApplicationEvents).set({ actorId: null }).where(eq(jobApplicationEvents.actorId, userId))];
}

/** A deleted file is nobody's CV any more. */
export function clearApplicationCvsQuery(db: Database, fileIds: SQLWrapper) {
  return db.update(jobApplications).set({ cvFileId: null }).where(inArray(jobApplications.cvFileId, fileIds));
}
