import type { Deps } from "../../platform/deps-types";
import { z } from "@hono/zod-openapi";
import { clock } from "../../clock";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import type { Database } from "../../db/client";
import { newId } from "../../ids";
import type { ClientInfo } from "../sessions/client-info";
import { type AuditEventFilter, type AuditEventRecord, insertAuditEventQuery, listAuditEventRecords } from "./records";

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

/**
 * Where the request came from, as Cloudflare told it (request.cf), so the account's activity can
 * say "Berlin, Germany" for every event; the event's own detail wins where it names a place.
 */
function placeDetail(client: ClientInfo | undefined): Record<string, string> {
  return { ...(client?.country ? { country: client.country } : {}), ...(client?.city ? { city: client.city } : {}) };
}

/** The query that records one audit event: run it alone or inside a `db.batch`. */
export function auditEventQuery(db: Database, event: AuditEventInput) {
  return insertAuditEventQuery(db, {
    id: newId(),
    userId: event.userId,
    type: event.type,
    ip: event.client?.ip ?? null,
    userAgent: event.client?.userAgent ?? null,
    detail: JSON.stringify({ ...placeDetail(event.client), ...event.detail }),
    createdAt: clock.date(),
  });
}

/** Records one audit event now (outside a batch; `auditEventQuery` joins one). */
export async function recordAuditEvent(db: Database, event: AuditEventInput): Promise<void> {
  await auditEventQuery(db, event).run();
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

const AuditCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

function toView(row: AuditEventRecord): AuditEventView {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    // an unreadable detail is shown as empty rather than failing the whole page
  }
  return { id: row.id, userId: row.userId, type: row.type, ip: row.ip, userAgent: row.userAgent, detail, createdAt: row.createdAt.toISOString() };
}

export type AuditFilter = AuditEventFilter;

/** Audit events newest first, optionally of one user and/or one type; cursor-paginated. */
export async function listAuditEvents(deps: Deps, filter: AuditFilter, page: { limit: number; cursor?: string }): Promise<Page<AuditEventView>> {
  const after = decodeCursor(page.cursor, AuditCursor);
  const rows = await listAuditEventRecords(deps.db, filter, after ?? null, page.limit + 1);
  return keysetPage(rows, page.limit, toView, (last) => ({ t: last.createdAt.getTime(), id: last.id }));
}
