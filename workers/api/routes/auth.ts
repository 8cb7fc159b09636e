import { createRoute, z } from "@hono/zod-openapi";
import { login } from "../../../shared/identity/sessions/login";
import { register } from "../../../shared/identity/account/registration";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { recordAuditEvent } from "../../../shared/identity/audit/events";
import { listActiveSessions, revokeAllSessionsStatement, revokeSession, rotateRefreshToken } from "../../../shared/identity/sessions/sessions";
import { PASSWORD_MAX_LENGTH } from "../../../shared/identity/credentials/passwords";
import { notFound } from "../../../shared/http/errors";
import { requestEmailVerification, verifyEmail } from "../../../shared/identity/account/email-verification";
import { completeMfaLogin } from "../../../shared/identity/mfa/mfa-login";
import { changePassword } from "../../../shared/identity/credentials/password-change";
import { requestPasswordReset, resetPassword } from "../../../shared/identity/credentials/password-reset";
import { closeSessionSockets } from "../../../shared/identity/sessions/session-sockets";
import { disableTotp, enableTotp, setupTotp } from "../../../shared/identity/mfa/totp";
import { findUserById } from "../../../shared/identity/account/users";
import { assertVerifiedEmailFor } from "../../../shared/identity/account/verified-email-policy";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

export const Email = z.string().trim().max(254).email().openapi({ example: "ada@example.com" });
export const DisplayName = z.string().trim().min(1).max(80).openapi({ example: "Ada Lovelace" });

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    emailVerified: z.boolean(),
    role: z.enum(["user", "moderator", "admin"]),
    bio: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("User");

const AuthResultSchema = z
  .object({
    user: UserSchema,
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
  })
  .openapi("AuthResult");

const TokenPairSchema = AuthResultSchema.omit({ user: true }).openapi("TokenPair");

const SessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi("Session");

const RegisterBody = z
  .object({
    email: Email,
    password: z.string().max(PASSWORD_MAX_LENGTH * 4),
    displayName: DisplayName,
    inviteCode: z.string().trim().min(1).max(128).optional(),
  })
  .openapi("RegisterRequest");

const LoginBody = z.object({ email: Email, password: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4) }).openapi("LoginRequest");
const RefreshBody = z.object({ refreshToken: z.string().min(1).max(256) }).openapi("RefreshRequest");

const tags = ["identity"];

const OneTimeToken = z.string().trim().min(16).max(256);
const PasswordField = z.string().min(1).max(PASSWORD_MAX_LENGTH * 4);
const MfaLoginBody = z
  .object({ mfaToken: OneTimeToken, code: z.string().trim().min(6).max(32).openapi({ example: "123456" }) })
  .openapi("MfaLoginRequest");
const TokenBody = z.object({ token: OneTimeToken }).openapi("TokenRequest");
const ForgotBody = z.object({ email: Email }).openapi("ForgotPasswordRequest");
const ResetBody = z.object({ token: OneTimeToken, password: PasswordField }).openapi("ResetPasswordRequest");
const ChangePasswordBody = z.object({ currentPassword: PasswordField, newPassword: PasswordField }).openapi("ChangePasswordRequest");
const CodeBody = z.object({ code: z.string().trim().regex(/^\d{6}$/, "Must be 6 digits") }).openapi("TotpCodeRequest");
const PasswordBody = z.object({ password: PasswordField }).openapi("PasswordRequest");
const TotpSetupSchema = z
  .object({
    secret: z.string().openapi({ description: "Base32 secret, for manual entry" }),
    otpauthUrl: z.string().openapi({ example: "otpauth://totp/platform:ada%40example.com?secret=...&issuer=platform" }),
    qrSvg: z.string().openapi({ description: "SVG image of a QR code of otpauthUrl" }),
  })
  .openapi("TotpSetup");

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags,
      summary: "Create an account and a first session",
      description:
        "Open by default; with `REGISTRATION_MODE=invite` an `inviteCode` is required. Passwords: 8-128 characters, common ones refused. Rate limited per IP.",
      request: { body: jsonBody(RegisterBody) },
      responses: {
        201: jsonResponse(AuthResultSchema, "Registered"),
        ...problemResponses(400, 403, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const { sessionId: _sid, ...result } = await register(c.env, c.req.valid("json"), clientInfo(c.req.raw));
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags,
      summary: "Log in with e-mail and password",
      description: "Unknown e-mail and wrong password answer identically. Failed logins per e-mail and attempts per IP are rate limited.",
      request: { body: jsonBody(LoginBody) },
      responses: {
        200: jsonResponse(AuthResultSchema, "Logged in"),
        ...problemResponses(400, 401, 403, 415, 429),
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid("json");
      const { sessionId: _sid, ...result } = await login(c.env, email, password, clientInfo(c.req.raw));
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags,
      summary: "Rotate a refresh token",
      description:
        "Spends the refresh token and returns a new pair. A concurrent refresh of the same token within the grace window gets the same successor; a spent token presented later is `401 token_reused` and revokes the session.",
      request: { body: jsonBody(RefreshBody) },
      responses: { 200: jsonResponse(TokenPairSchema, "New token pair"), ...problemResponses(400, 401, 415) },
    }),
    async (c) => {
      const { sessionId: _sid, ...pair } = await rotateRefreshToken(c.env, c.req.valid("json").refreshToken, clientInfo(c.req.raw));
      return c.json(pair, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/logout",
      tags,
      summary: "End the current session",
      responses: { 204: { description: "Session ended; its tokens stop working at once" }, ...problemResponses(401) },
    }),
    async (c) => {
      const { userId, sessionId } = c.get("principal");
      await revokeSession(c.env.DB, userId, sessionId, "logout");
      await recordAuditEvent(c.env.DB, { userId, type: "logout", client: clientInfo(c.req.raw), detail: { sessionId } });
      await closeSessionSockets(c.env, userId, sessionId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/logout-all",
      tags,
      summary: "End every session of the user",
      responses: { 204: { description: "All sessions ended" }, ...problemResponses(401) },
    }),
    async (c) => {
      const { userId } = c.get("principal");
      await c.env.DB.batch([revokeAllSessionsStatement(c.env.DB, userId, "logout_all")]);
      await recordAuditEvent(c.env.DB, { userId, type: "logout.all", client: clientInfo(c.req.raw) });
      await closeSessionSockets(c.env, userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/sessions",
      tags,
      summary: "List the user's active sessions",
      responses: { 200: jsonResponse(z.object({ items: z.array(SessionSchema) }), "Active sessions"), ...problemResponses(401) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const rows = await listActiveSessions(c.get("db"), principal.userId);
      return c.json(
        {
          items: rows.map((s) => ({
            id: s.id,
            createdAt: s.createdAt.toISOString(),
            lastUsedAt: s.lastUsedAt.toISOString(),
            userAgent: s.userAgent,
            ip: s.ip,
            current: s.id === principal.sessionId,
          })),
        },
        200,
      );
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/sessions/{id}",
      tags,
      summary: "End one of the user's sessions",
      request: { params: IdParam },
      responses: { 204: { description: "Session ended" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { userId } = c.get("principal");
      const { id } = c.req.valid("param");
      if (!(await revokeSession(c.env.DB, userId, id, "revoked_by_user"))) throw notFound("No such active session");
      await recordAuditEvent(c.env.DB, { userId, type: "session.revoked", client: clientInfo(c.req.raw), detail: { sessionId: id } });
      await closeSessionSockets(c.env, userId, id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login/mfa",
      tags,
      summary: "Finish a login with a second factor",
      description:
        "After `401 mfa_required` from /login: send its `mfaToken` (valid 5 minutes) with a 6-digit TOTP code (each accepted once) or a backup code (each usable once). Wrong codes are `401 invalid_mfa_code` and count toward a per-user limit (`429`).",
      request: { body: jsonBody(MfaLoginBody) },
      responses: { 200: jsonResponse(AuthResultSchema, "Logged in"), ...problemResponses(400, 401, 403, 415, 429) },
    }),
    async (c) => {
      const { mfaToken, code } = c.req.valid("json");
      const { sessionId: _sid, ...result } = await completeMfaLogin(c.env, mfaToken, code, clientInfo(c.req.raw));
      return c.json(result, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/email/verification",
      tags,
      summary: "Send an e-mail verification link",
      description: "Mails a link with `token=<token>` valid 24 hours; earlier links stop working. Rate limited per user.",
      responses: { 202: { description: "Verification e-mail queued" }, ...problemResponses(401, 409, 429) },
    }),
    async (c) => {
      await requestEmailVerification(c.env, c.get("principal").userId);
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/email/verify",
      tags,
      summary: "Confirm an e-mail address with the token from the link",
      request: { body: jsonBody(TokenBody) },
      responses: { 200: jsonResponse(z.object({ user: UserSchema }), "Verified"), ...problemResponses(400, 415) },
    }),
    async (c) => {
      const user = await verifyEmail(c.env, c.req.valid("json").token, clientInfo(c.req.raw));
      return c.json({ user }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/password/forgot",
      tags,
      summary: "Ask for a password reset link",
      description:
        "Always `202` with an empty body, whether or not the address has an account: the look-up happens in a queued job. A link (valid 30 minutes, single use) is mailed if the account exists.",
      request: { body: jsonBody(ForgotBody) },
      responses: { 202: { description: "Accepted" }, ...problemResponses(400, 415, 429) },
    }),
    async (c) => {
      await requestPasswordReset(c.env, c.req.valid("json").email, clientInfo(c.req.raw));
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/password/reset",
      tags,
      summary: "Set a new password with a reset token",
      description: "Every session of the user ends and an account lockout is lifted.",
      request: { body: jsonBody(ResetBody) },
      responses: { 204: { description: "Password changed; every session ended" }, ...problemResponses(400, 415) },
    }),
    async (c) => {
      const { token, password } = c.req.valid("json");
      await resetPassword(c.env, token, password, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/password/change",
      tags,
      summary: "Change the password",
      description: "Needs the current password (a wrong one is `403 invalid_password`, rate limited). The user's other sessions end.",
      request: { body: jsonBody(ChangePasswordBody) },
      responses: { 204: { description: "Password changed; other sessions ended" }, ...problemResponses(400, 401, 403, 415, 429) },
    }),
    async (c) => {
      const { userId, sessionId } = c.get("principal");
      const { currentPassword, newPassword } = c.req.valid("json");
      await changePassword(c.env, userId, sessionId, currentPassword, newPassword, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/2fa/totp/setup",
      tags,
      summary: "Start TOTP setup",
      description:
        "Returns a new secret, its `otpauth://` URL and the URL as an SVG QR code. 2FA is not on until /2fa/totp/enable receives a valid code. Calling setup again replaces a secret not yet enabled.",
      responses: { 200: jsonResponse(TotpSetupSchema, "Secret to add to an authenticator app"), ...problemResponses(401, 403, 409) },
    }),
    async (c) => {
      const { userId } = c.get("principal");
      await assertVerifiedEmailFor(c.env, userId, "totp.setup");
      const user = await findUserById(c.get("db"), userId);
      if (!user) throw notFound("User not found");
      return c.json(await setupTotp(c.env, userId, user.email), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/2fa/totp/enable",
      tags,
      summary: "Turn TOTP on with a first code",
      description: "Returns 10 single-use backup codes, shown only this once (stored hashed). Wrong codes count toward a per-user limit.",
      request: { body: jsonBody(CodeBody) },
      responses: { 200: jsonResponse(z.object({ backupCodes: z.array(z.string()) }), "2FA on"), ...problemResponses(400, 401, 409, 415, 429) },
    }),
    async (c) => {
      const backupCodes = await enableTotp(c.env, c.get("principal").userId, c.req.valid("json").code, clientInfo(c.req.raw));
      return c.json({ backupCodes }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/2fa/totp/disable",
      tags,
      summary: "Turn TOTP off",
      description: "Needs the password; the secret and backup codes are deleted.",
      request: { body: jsonBody(PasswordBody) },
      responses: { 204: { description: "2FA off" }, ...problemResponses(400, 401, 403, 409, 415, 429) },
    }),
    async (c) => {
      await disableTotp(c.env, c.get("principal").userId, c.req.valid("json").password, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
