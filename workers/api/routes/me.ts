import { z } from "@hono/zod-openapi";
import { announceProfileChange } from "../../../shared/identity/account/account-module";
import { toPublicUser, updateProfile } from "../../../shared/identity/account/users";
import { deleteAccount } from "../../../shared/identity/account/account-deletion";
import { listAuditEvents } from "../../../shared/identity/audit/events";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { exportAccount } from "../../../shared/identity/account/data-export";
import { PASSWORD_MAX_LENGTH } from "../../../shared/identity/credentials/passwords";
import { assertVerifiedEmailFor } from "../../../shared/identity/account/verified-email-policy";
import { PageQuery } from "../../../shared/http/pagination";
import { enforceRateLimit } from "../../../shared/rate-limits";
import { clock } from "../../../shared/clock";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { DisplayName, UserSchema } from "./identity-schemas";

const ProfilePatch = z
  .object({
    displayName: DisplayName.optional(),
    bio: z.string().trim().max(1000).nullable().optional(),
    avatarUrl: z
      .string()
      .trim()
      .url()
      .max(2048)
      .refine((u) => /^https?:\/\//.test(u), "Must be an http(s) URL")
      .nullable()
      .optional(),
    locale: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "Must be a BCP 47 language tag")
      .max(35)
      .nullable()
      .optional(),
    presenceVisibility: z.enum(["chats", "nobody"]).optional(),
    timezone: z
      .string()
      .trim()
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "Must be an IANA time zone")
      .nullable()
      .optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("ProfilePatch");

const UserEnvelope = z.object({ user: UserSchema });

export const AuditEventSchema = z
  .object({
    id: z.string(),
    userId: z.string().nullable(),
    type: z.string().openapi({ example: "login.succeeded" }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi("AuditEvent");
export const AuditEventPage = z.object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() }).openapi("AuditEventPage");

const AccountExportSchema = z
  .object({
    exportedAt: z.string(),
    user: UserSchema,
    sessions: z.array(z.record(z.string(), z.unknown())),
    securityEvents: z.array(AuditEventSchema),
    knownDevices: z.array(z.object({ firstSeenAt: z.string(), lastSeenAt: z.string() })),
    knownCountries: z.array(z.object({ country: z.string(), firstSeenAt: z.string() })),
    passkeys: z.array(z.record(z.string(), z.unknown())),
    twoFactor: z.object({ totpEnabled: z.boolean(), backupCodesRemaining: z.number().int() }),
    invitesCreated: z.array(z.record(z.string(), z.unknown())),
    phone: z.object({ number: z.string(), confirmedAt: z.string() }).nullable(),
    modules: z.record(z.string(), z.unknown()),
  })
  .openapi("AccountExport");

const DeleteAccountBody = z
  .object({
    password: z
      .string()
      .min(1)
      .max(PASSWORD_MAX_LENGTH * 4),
  })
  .openapi("DeleteAccountRequest");

export const meRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/",
      tags: ["identity"],
      summary: "The current user",
      responses: { 200: jsonResponse(UserEnvelope, "The user"), ...problemResponses(401) },
    }),
    (c) => c.json({ user: toPublicUser(c.get("currentUser")) }, 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/",
      tags: ["identity"],
      summary: "Change the current user's profile",
      request: { body: jsonBody(ProfilePatch) },
      responses: { 200: jsonResponse(UserEnvelope, "The updated user"), ...problemResponses(400, 401, 415) },
    }),
    async (c) => {
      const changes = c.req.valid("json");
      const user = await updateProfile(c.get("deps").db, c.get("principal").userId, changes, clock.date());
      if (changes.displayName !== undefined)
        await announceProfileChange(c.get("deps"), c.get("accountModules"), { id: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl });
      return c.json({ user: toPublicUser(user) }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/security-events",
      tags: ["identity"],
      summary: "The user's own security events (login history)",
      description: "Logins (successful and failed, with the reason), logouts, password and 2FA changes, lockouts, role changes; newest first.",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(AuditEventPage, "Security events"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const page = await listAuditEvents(c.get("deps"), { userId: c.get("principal").userId }, c.req.valid("query"));
      return c.json(page, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/export",
      tags: ["identity"],
      summary: "Download all of the user's data (GDPR export)",
      description:
        "Profile, sessions, security events, known devices, 2FA state, invites created, and one section per module under `modules` (chat, calls, ...). Secrets and hashes are never included.",
      responses: { 200: jsonResponse(AccountExportSchema, "The export"), ...problemResponses(401, 403, 429) },
    }),
    async (c) => {
      const { userId } = c.get("principal");
      await assertVerifiedEmailFor(c.get("deps"), userId, "data.export");
      await enforceRateLimit(c.get("deps"), `data-export:user:${userId}`, { limit: 10, windowSeconds: 3600 });
      const data = await exportAccount(c.get("deps"), userId, c.get("accountModules"));
      c.header("content-disposition", `attachment; filename="account-export-${userId}.json"`);
      return c.json(data, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/",
      tags: ["identity"],
      summary: "Delete the account and its data",
      description:
        "Needs the password (a wrong one is `403 invalid_password`, rate limited). Deletes the user, sessions, 2FA, devices and audit trail, and runs every module's deletion hook. The last active admin cannot delete itself (`409 last_admin`). Jobs board: a company whose last owner this was passes to its longest-standing other member; a company with no other member has its vacancies closed and is deleted.",
      request: { body: jsonBody(DeleteAccountBody) },
      responses: { 204: { description: "Account deleted" }, ...problemResponses(400, 401, 403, 409, 415, 429) },
    }),
    async (c) => {
      await deleteAccount(c.get("deps"), c.get("principal").userId, c.req.valid("json").password, clientInfo(c.req.raw), c.get("accountModules"));
      return c.body(null, 204);
    },
  );
