import { z } from "@hono/zod-openapi";
import {
  changeRole,
  disableUser,
  enableUser,
  endUserSession,
  endUserSessions,
  listUserSessionsForAdmin,
  listUsers,
  resetTwoFactor,
  viewUser,
} from "../../../shared/identity/admin/users";
import { createInvite, listInvites, revokeInvite } from "../../../shared/identity/admin/invites";
import { listAuditEvents } from "../../../shared/identity/audit/events";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { createRouter } from "../context";
import { adminRoute } from "../middleware/auth";
import { InviteCodeParam, InviteSchema, UserSchema } from "./identity-schemas";
import { AuditEventPage } from "./me";

const tags = ["admin"];
const Role = z.enum(["user", "moderator", "admin"]);

const AdminUserSchema = UserSchema.extend({
  disabledAt: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  failedLoginCount: z.number().int(),
  totpEnabled: z.boolean(),
  activeSessions: z.number().int(),
}).openapi("AdminUser");
const AdminUserEnvelope = z.object({ user: AdminUserSchema });

const UserListItem = z
  .object({ id: z.string(), email: z.string(), displayName: z.string(), role: Role, emailVerified: z.boolean(), disabled: z.boolean(), createdAt: z.string() })
  .openapi("AdminUserListItem");

const UserListQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Substring of e-mail or display name" }),
  role: Role.optional().openapi({ param: { name: "role", in: "query" } }),
  disabled: z
    .enum(["true", "false"])
    .optional()
    .openapi({ param: { name: "disabled", in: "query" } }),
});

const AdminSessionSchema = z
  .object({ id: z.string(), createdAt: z.string(), lastUsedAt: z.string(), userAgent: z.string().nullable(), ip: z.string().nullable() })
  .openapi("AdminSession");

const UserSessionParams = IdParam.extend({
  sessionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "sessionId", in: "path" } }),
});

const IsoInstant = z.string().datetime({ offset: true });

const AuditQuery = PageQuery.extend({
  userId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ param: { name: "userId", in: "query" }, description: "Events of this user's account" }),
  actorId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ param: { name: "actorId", in: "query" }, description: "Events this user caused: as the admin named in `detail.by`, or on their own account when no admin is named" }),
  type: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9_.]+$/)
    .optional()
    .openapi({ param: { name: "type", in: "query" } }),
  from: IsoInstant.optional().openapi({ param: { name: "from", in: "query" }, description: "Events at or after this instant (ISO 8601)" }),
  to: IsoInstant.optional().openapi({ param: { name: "to", in: "query" }, description: "Events before this instant (ISO 8601)" }),
});

const CreateInviteBody = z
  .object({
    maxUses: z.number().int().min(1).max(10_000).default(1),
    expiresInSeconds: z
      .number()
      .int()
      .min(60)
      .max(365 * 86400)
      .optional(),
  })
  .strict()
  .openapi("CreateInviteRequest");

const adminProblems = (...more: number[]) => problemResponses(401, 403, ...more);

export const adminRoutes = createRouter()
  .openapi(
    adminRoute({
      method: "get",
      path: "/users",
      tags,
      summary: "List and search users",
      request: { query: UserListQuery },
      responses: {
        200: jsonResponse(z.object({ items: z.array(UserListItem), nextCursor: z.string().nullable() }), "Users, newest first"),
        ...adminProblems(400),
      },
    }),
    async (c) => {
      const { q, role, disabled, limit, cursor } = c.req.valid("query");
      const page = await listUsers(c.get("deps"), { q, role, disabled: disabled === undefined ? undefined : disabled === "true" }, { limit, cursor });
      return c.json(page, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/users/{id}",
      tags,
      summary: "One user with account state",
      request: { params: IdParam },
      responses: { 200: jsonResponse(AdminUserEnvelope, "The user"), ...adminProblems(400, 404) },
    }),
    async (c) => c.json({ user: await viewUser(c.get("deps"), c.req.valid("param").id) }, 200),
  )
  .openapi(
    adminRoute({
      method: "put",
      path: "/users/{id}/role",
      tags,
      summary: "Change a user's role",
      description: "Recorded as a `role.changed` audit event. Demoting the last active admin is `409 last_admin`.",
      request: { params: IdParam, body: jsonBody(z.object({ role: Role }).openapi("ChangeRoleRequest")) },
      responses: { 200: jsonResponse(AdminUserEnvelope, "The user"), ...adminProblems(400, 404, 409, 415) },
    }),
    async (c) => {
      const user = await changeRole(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").role, clientInfo(c.req.raw));
      return c.json({ user }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/users/{id}/disable",
      tags,
      summary: "Disable an account",
      description: "Every session ends at once (realtime sockets close) and login answers `403 account_disabled` until enabled.",
      request: { params: IdParam, body: jsonBody(z.object({ reason: z.string().trim().max(500).optional() }).openapi("DisableUserRequest")) },
      responses: { 200: jsonResponse(AdminUserEnvelope, "The user"), ...adminProblems(400, 404, 409, 415) },
    }),
    async (c) => {
      const user = await disableUser(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").reason, clientInfo(c.req.raw));
      return c.json({ user }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/users/{id}/enable",
      tags,
      summary: "Enable a disabled account (also lifts a lockout)",
      request: { params: IdParam },
      responses: { 200: jsonResponse(AdminUserEnvelope, "The user"), ...adminProblems(400, 404) },
    }),
    async (c) => c.json({ user: await enableUser(c.get("deps"), c.get("principal"), c.req.valid("param").id, clientInfo(c.req.raw)) }, 200),
  )
  .openapi(
    adminRoute({
      method: "delete",
      path: "/users/{id}/sessions",
      tags,
      summary: "End every session of a user",
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ ended: z.number().int() }), "How many sessions ended"), ...adminProblems(400, 404) },
    }),
    async (c) => c.json({ ended: await endUserSessions(c.get("deps"), c.get("principal"), c.req.valid("param").id, clientInfo(c.req.raw)) }, 200),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/users/{id}/sessions",
      tags,
      summary: "A user's live sessions",
      description: "Most recently used first: when each signed in, when it was last used, its device and address. Never its tokens.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ items: z.array(AdminSessionSchema) }), "Live sessions"), ...adminProblems(400, 404) },
    }),
    async (c) => c.json({ items: await listUserSessionsForAdmin(c.get("deps"), c.req.valid("param").id) }, 200),
  )
  .openapi(
    adminRoute({
      method: "delete",
      path: "/users/{id}/sessions/{sessionId}",
      tags,
      summary: "End one session of a user",
      description: "Its tokens stop working and its sockets close at once; recorded as a `session.ended_by_admin` audit event. `404` when the session is not live.",
      request: { params: UserSessionParams },
      responses: { 204: { description: "Session ended" }, ...adminProblems(400, 404) },
    }),
    async (c) => {
      const { id, sessionId } = c.req.valid("param");
      await endUserSession(c.get("deps"), c.get("principal"), id, sessionId, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/users/{id}/2fa/reset",
      tags,
      summary: "Turn off a user's two-factor authentication",
      description:
        "For a user who lost the authenticator and the backup codes: deletes the TOTP secret and the backup codes. Recorded as a `2fa.reset_by_admin` audit event naming the admin; the user is mailed. `409 totp_not_enabled` when 2FA is off.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(AdminUserEnvelope, "The user, 2FA off"), ...adminProblems(400, 404, 409) },
    }),
    async (c) => c.json({ user: await resetTwoFactor(c.get("deps"), c.get("principal"), c.req.valid("param").id, clientInfo(c.req.raw)) }, 200),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/audit-events",
      tags,
      summary: "Audit events of every user",
      description: "Newest first; filter by `userId` (whose account), `actorId` (who acted), `type` (e.g. `login.failed`) and a `from`/`to` time range.",
      request: { query: AuditQuery },
      responses: { 200: jsonResponse(AuditEventPage, "Audit events"), ...adminProblems(400) },
    }),
    async (c) => {
      const { userId, actorId, type, from, to, limit, cursor } = c.req.valid("query");
      const range = { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
      return c.json(await listAuditEvents(c.get("deps"), { userId, actorId, type, ...range }, { limit, cursor }), 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/invites",
      tags,
      summary: "Create an invite code (for REGISTRATION_MODE=invite)",
      request: { body: jsonBody(CreateInviteBody) },
      responses: { 201: jsonResponse(InviteSchema, "The invite"), ...adminProblems(400, 415) },
    }),
    async (c) => c.json(await createInvite(c.get("deps"), c.get("principal"), c.req.valid("json"), clientInfo(c.req.raw)), 201),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/invites",
      tags,
      summary: "List invite codes",
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ items: z.array(InviteSchema), nextCursor: z.string().nullable() }), "Invites, newest first"),
        ...adminProblems(400),
      },
    }),
    async (c) => c.json(await listInvites(c.get("deps"), c.req.valid("query")), 200),
  )
  .openapi(
    adminRoute({
      method: "delete",
      path: "/invites/{code}",
      tags,
      summary: "Revoke an invite code",
      request: { params: InviteCodeParam },
      responses: { 204: { description: "Revoked" }, ...adminProblems(400, 404, 409) },
    }),
    async (c) => {
      await revokeInvite(c.get("deps"), c.get("principal"), c.req.valid("param").code, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
