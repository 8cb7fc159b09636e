import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { auditEvents } from "../../db/schema";

/** Every query of `audit_events`. */

export type AuditEventRecord = typeof auditEvents.$inferSelect;
export type NewAuditEventRecord = typeof auditEvents.$inferInsert;

export function insertAuditEventQuery(db: Database, event: NewAuditEventRecord) {
  return db.insert(auditEvents).values(event);
}

export interface AuditEventFilter {
  userId?: string;
  type?: string;
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
  if (filter.type) where.push(eq(auditEvents.type, filter.type));
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
