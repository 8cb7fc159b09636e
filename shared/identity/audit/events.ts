import { z } from "@hono/zod-openapi";
import { clock } from "../../clock";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { newId } from "../../ids";
import type { ClientInfo } from "../sessions/client-info";

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

export interface AuditEventView {
  id: string;
  userId: string | null;
  type: string;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

interface AuditEventRow {
  id: string;
  user_id: string | null;
  type: string;
  ip: string | null;
  user_agent: string | null;
  detail: string;
  created_at: number;
}

const AuditCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

function toView(row: AuditEventRow): AuditEventView {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    // an unreadable detail is shown as empty rather than failing the whole page
  }
  return { id: row.id, userId: row.user_id, type: row.type, ip: row.ip, userAgent: row.user_agent, detail, createdAt: new Date(row.created_at).toISOString() };
}

export interface AuditFilter {
  userId?: string;
  type?: string;
}

/** Audit events newest first, optionally of one user and/or one type; cursor-paginated. */
export async function listAuditEvents(db: D1Database, filter: AuditFilter, page: { limit: number; cursor?: string }): Promise<Page<AuditEventView>> {
  const after = decodeCursor(page.cursor, AuditCursor);
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.userId) {
    where.push("user_id = ?");
    params.push(filter.userId);
  }
  if (filter.type) {
    where.push("type = ?");
    params.push(filter.type);
  }
  if (after) {
    where.push("(created_at < ? OR (created_at = ? AND id < ?))");
    params.push(after.t, after.t, after.id);
  }
  const { results } = await db
    .prepare(
      `SELECT id, user_id, type, ip, user_agent, detail, created_at FROM audit_events
        ${where.length ? "WHERE " + where.join(" AND ") : ""}
        ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, page.limit + 1)
    .all<AuditEventRow>();
  return keysetPage(results, page.limit, toView, (last) => ({ t: last.created_at, id: last.id }));
}
