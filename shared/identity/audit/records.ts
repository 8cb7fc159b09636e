import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { auditEvents } from "../../db/schema/identity";

/** Every query of `audit_events`. */

export type AuditEventRecord = typeof auditEvents.$inferSelect;
export type NewAuditEventRecord = typeof auditEvents.$inferInsert;

export function insertAuditEventQuery(db: Database, event: NewAuditEventRecord) {
  return db.insert(auditEvents).values(event);
}

export interface AuditEventFilter {
  userId?: string;
  /** Who acted: an admin named in `detail.by`, or the user themselves when no one else is named. */
  actorId?: string;
  type?: string;
  /** At or after this instant. */
  from?: Date;
  /** Before this instant. */
  to?: Date;
}

/** Newest first, `limit` rows after the keyset `after`. */
export async function listAuditEventRecords(
  db: Database,
  filter: AuditEventFilter,
  after: { t: number; id: string } | null,
  limit: number,
): Promise<AuditEventRecord[]> {
  const where: SQL[] = [];
  if (filter.userId) where.push(eq(auditEvents.userId, filter.userId));
  if (filter.actorId) {
    const by = sql`json_extract(${auditEvents.detail}, '$.by')`;
    where.push(or(sql`${by} = ${filter.actorId}`, and(eq(auditEvents.userId, filter.actorId), sql`${by} IS NULL`))!);
  }
  if (filter.type) where.push(eq(auditEvents.type, filter.type));
  if (filter.from) where.push(gte(auditEvents.createdAt, filter.from));
  if (filter.to) where.push(lt(auditEvents.createdAt, filter.to));
  if (after) {
    const at = new Date(after.t);
    where.push(or(lt(auditEvents.createdAt, at), and(eq(auditEvents.createdAt, at), lt(auditEvents.id, after.id)))!);
  }
  return db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit);
}

export function deleteUserAuditEventsQuery(db: Database, userId: string) {
  return db.delete(auditEvents).where(eq(auditEvents.userId, userId));
}
