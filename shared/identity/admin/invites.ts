import { z } from "@hono/zod-openapi";
import { clock } from "../../clock";
import type { Env } from "../../env";
import { ApiError, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { randomToken } from "../../ids";
import { auditEventStatement } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import type { Principal } from "../sessions/principal";

export interface InviteView {
  code: string;
  maxUses: number;
  uses: number;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  usable: boolean;
}

interface InviteRow {
  code: string;
  created_by: string | null;
  max_uses: number;
  uses: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

function toInviteView(row: InviteRow): InviteView {
  const now = clock.now();
  return {
    code: row.code,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    usable: row.revoked_at === null && row.uses < row.max_uses && (row.expires_at === null || row.expires_at > now),
  };
}

/** An invite code for REGISTRATION_MODE=invite: 128 random bits, usable `maxUses` times until it expires. */
export async function createInvite(env: Env, actor: Principal, input: { maxUses: number; expiresInSeconds?: number }, client: ClientInfo): Promise<InviteView> {
  const now = clock.now();
  const row: InviteRow = {
    code: randomToken(16),
    created_by: actor.userId,
    max_uses: input.maxUses,
    uses: 0,
    expires_at: input.expiresInSeconds ? now + input.expiresInSeconds * 1000 : null,
    revoked_at: null,
    created_at: now,
  };
  await env.DB.batch([
    env.DB.prepare("INSERT INTO invite_codes (code, created_by, max_uses, uses, expires_at, created_at) VALUES (?, ?, ?, 0, ?, ?)").bind(
      row.code,
      row.created_by,
      row.max_uses,
      row.expires_at,
      row.created_at,
    ),
    auditEventStatement(env.DB, { userId: actor.userId, type: "invite.created", client, detail: { maxUses: row.max_uses, expiresAt: row.expires_at } }),
  ]);
  return toInviteView(row);
}

const InviteCursor = z.object({ t: z.number().int(), code: z.string().max(128) });

export async function listInvites(db: D1Database, page: { limit: number; cursor?: string }): Promise<Page<InviteView>> {
  const after = decodeCursor(page.cursor, InviteCursor);
  const { results } = await db
    .prepare(
      `SELECT code, created_by, max_uses, uses, expires_at, revoked_at, created_at FROM invite_codes
        ${after ? "WHERE created_at < ? OR (created_at = ? AND code < ?)" : ""} ORDER BY created_at DESC, code DESC LIMIT ?`,
    )
    .bind(...(after ? [after.t, after.t, after.code] : []), page.limit + 1)
    .all<InviteRow>();
  return keysetPage(results, page.limit, toInviteView, (last) => ({ t: last.created_at, code: last.code }));
}

export async function revokeInvite(env: Env, actor: Principal, code: string, client: ClientInfo): Promise<void> {
  const revoked = await env.DB.prepare("UPDATE invite_codes SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL").bind(clock.now(), code).run();
  if (revoked.meta.changes !== 1) {
    const exists = await env.DB.prepare("SELECT 1 AS found FROM invite_codes WHERE code = ?").bind(code).first();
    if (!exists) throw notFound("No such invite code");
    throw new ApiError(409, "invite_already_revoked", "This invite code is already revoked");
  }
  await auditEventStatement(env.DB, { userId: actor.userId, type: "invite.revoked", client, detail: { code } }).run();
}
