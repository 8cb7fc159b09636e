import type { ClientInfo } from "./client-info";
import { clock } from "../clock";
import { newId } from "../ids";

export type AuditEventType =
  | "user.registered"
  | "login.succeeded"
  | "login.failed"
  | "logout"
  | "logout.all"
  | "session.revoked"
  | "refresh_token.reused"
  | (string & {});

export interface AuditEventInput {
  userId: string | null;
  type: AuditEventType;
  client?: ClientInfo;
  detail?: Record<string, unknown>;
}

/** The statement that records one audit event: run it alone or inside a db batch. */
export function auditEventStatement(db: D1Database, event: AuditEventInput): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO audit_events (id, user_id, type, ip, user_agent, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      newId(),
      event.userId,
      event.type,
      event.client?.ip ?? null,
      event.client?.userAgent ?? null,
      JSON.stringify(event.detail ?? {}),
      clock.now(),
    );
}

export async function recordAuditEvent(db: D1Database, event: AuditEventInput): Promise<void> {
  await auditEventStatement(db, event).run();
}
