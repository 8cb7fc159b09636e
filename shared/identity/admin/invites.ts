import type { Deps } from "../../platform/deps-types";
import { z } from "@hono/zod-openapi";
import { clock } from "../../clock";
import { ApiError, badRequest, notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import { randomToken } from "../../ids";
import { auditEventQuery } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import type { Principal } from "../sessions/principal";
import { enforceRateLimit } from "../../rate-limits";
import {
  findInviteBy,
  giveInviteUseBack,
  insertInviteQuery,
  inviteExists,
  type InviteRecord,
  listInviteRecords,
  revokeInviteRecord,
  takeInviteUse,
} from "./records";

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

function toInviteView(row: InviteRecord): InviteView {
  const now = clock.now();
  return {
    code: row.code,
    maxUses: row.maxUses,
    uses: row.uses,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    usable: row.revokedAt === null && row.uses < row.maxUses && (row.expiresAt === null || row.expiresAt.getTime() > now),
  };
}

/** An invite code for REGISTRATION_MODE=invite: 128 random bits, usable `maxUses` times until it expires. */
export async function createInvite(
  deps: Deps,
  actor: Principal,
  input: { maxUses: number; expiresInSeconds?: number },
  client: ClientInfo,
): Promise<InviteView> {
  const db = deps.db;
  const now = deps.clock.now();
  const row: InviteRecord = {
    code: randomToken(16),
    createdBy: actor.userId,
    maxUses: input.maxUses,
    uses: 0,
    expiresAt: input.expiresInSeconds ? new Date(now + input.expiresInSeconds * 1000) : null,
    revokedAt: null,
    createdAt: new Date(now),
  };
  await db.batch([
    insertInviteQuery(db, row),
    auditEventQuery(db, {
      userId: actor.userId,
      type: "invite.created",
      client,
      detail: { maxUses: row.maxUses, expiresAt: row.expiresAt?.getTime() ?? null },
    }),
  ]);
  return toInviteView(row);
}

const InviteCursor = z.object({ t: z.number().int(), code: z.string().max(128) });

/** The link that opens the web app's sign-up with the code filled in. */
export function inviteLink(origin: string, code: string): string {
  return `${origin}/app/?invite=${encodeURIComponent(code)}`;
}

/** Invite links a member makes: at most this many uses each, and they expire (a week unless asked otherwise, at most 30 days). */
export const MEMBER_INVITE_MAX_USES = 20;
export const MEMBER_INVITE_DEFAULT_SECONDS = 7 * 86400;
export const MEMBER_INVITE_MAX_SECONDS = 30 * 86400;

/**
 * POST /v1/invites: any member creates an invite link (`INVITES_BY=members`, the default), or
 * only admins (`admins`). The slot of the member's daily allowance is taken first; a member's
 * link always expires.
 */
export async function createMemberInvite(
  deps: Deps,
  actor: Principal,
  input: { maxUses: number; expiresInSeconds?: number },
  client: ClientInfo,
): Promise<InviteView> {
  if (deps.config.registration.invitesBy === "admins" && actor.role !== "admin")
    throw new ApiError(403, "invites_admins_only", "Only admins create invite links here");
  await enforceRateLimit(deps, `invites:user:${actor.userId}`, deps.config.rateLimits.invitesPerUser);
  return createInvite(deps, actor, { maxUses: input.maxUses, expiresInSeconds: input.expiresInSeconds ?? MEMBER_INVITE_DEFAULT_SECONDS }, client);
}

/** GET /v1/invites: the invites the caller made, newest first. */
export async function listOwnInvites(deps: Deps, actor: Principal, page: { limit: number; cursor?: string }): Promise<Page<InviteView>> {
  return invitePage(deps, page, actor.userId);
}

/** DELETE /v1/invites/:code: the caller revokes an invite they made (anyone else's is 404). */
export async function revokeOwnInvite(deps: Deps, actor: Principal, code: string, client: ClientInfo): Promise<void> {
  if (!(await findInviteBy(deps.db, code, actor.userId))) throw notFound("No such invite code");
  await revokeInvite(deps, actor, code, client);
}

export async function listInvites(deps: Deps, page: { limit: number; cursor?: string }): Promise<Page<InviteView>> {
  return invitePage(deps, page);
}

/** A page of invites, newest first: every one (admins), or those `createdBy` made. */
async function invitePage(deps: Deps, page: { limit: number; cursor?: string }, createdBy?: string): Promise<Page<InviteView>> {
  const after = decodeCursor(page.cursor, InviteCursor);
  const rows = await listInviteRecords(deps.db, after ?? null, page.limit + 1, createdBy);
  return keysetPage(rows, page.limit, toInviteView, (last) => ({ t: last.createdAt.getTime(), code: last.code }));
}

export async function revokeInvite(deps: Deps, actor: Principal, code: string, client: ClientInfo): Promise<void> {
  const db = deps.db;
  if (!(await revokeInviteRecord(db, code, deps.clock.date()))) {
    if (!(await inviteExists(db, code))) throw notFound("No such invite code");
    throw new ApiError(409, "invite_already_revoked", "This invite code is already revoked");
  }
  await auditEventQuery(db, { userId: actor.userId, type: "invite.revoked", client, detail: { code } }).run();
}

/** Takes one use of an invite code, or throws. Returns a function that gives the use back. */
export async function consumeInvite(deps: Deps, code: string | undefined): Promise<() => Promise<void>> {
  if (!code) throw badRequest("invite_required", "Registration needs an invite code", [{ path: "inviteCode", message: "Required" }]);
  const db = deps.db;
  if (!(await takeInviteUse(db, code, deps.clock.date()))) throw new ApiError(403, "invalid_invite", "The invite code is invalid, expired or used up");
  return () => giveInviteUseBack(db, code);
}
