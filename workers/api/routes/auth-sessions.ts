import { createRoute, z } from "@hono/zod-openapi";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { register, registerPendingVerification } from "../../../shared/identity/account/registration";
import { loginRequiresVerifiedEmail } from "../../../shared/identity/account/verified-email-policy";
import { PASSWORD_MAX_LENGTH } from "../../../shared/identity/credentials/passwords";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { login } from "../../../shared/identity/sessions/login";
import { endOwnSession, listActiveSessions, logout, logoutEverywhere, rotateRefreshToken } from "../../../shared/identity/sessions/sessions";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { AuthResultSchema, DisplayName, Email, identityTags as tags } from "./identity-schemas";
import { countLoginResult } from "../../../shared/identity/sessions/login-results";

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

const LoginBody = z
  .object({
    email: Email,
    password: z
      .string()
      .min(1)
      .max(PASSWORD_MAX_LENGTH * 4),
  })
  .openapi("LoginRequest");
const RefreshBody = z.object({ refreshToken: z.string().min(1).max(256) }).openapi("RefreshRequest");

/** /v1/auth: register, log in, refresh, log out, and the user's sessions. */
const VerificationSentSchema = z.object({ status: z.literal("verification_sent") }).openapi("VerificationSent");

export const authSessionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags,
      summary: "Create an account and a first session",
      description:
        'Open by default; with `REGISTRATION_MODE=invite` an `inviteCode` is required. Passwords: 8-128 characters, common ones refused. Rate limited per IP. A known address is `409 email_taken`, except with `REQUIRE_VERIFIED_EMAIL_FOR_LOGIN=true`: then every registration answers `202 {status: "verification_sent"}` without tokens, whether the address is new (it gets its verification link) or known (its owner gets a notice), so registration does not reveal which addresses have accounts.',
      request: { body: jsonBody(RegisterBody) },
      responses: {
        201: jsonResponse(AuthResultSchema, "Registered"),
        202: jsonResponse(VerificationSentSchema, "REQUIRE_VERIFIED_EMAIL_FOR_LOGIN=true: verify the address, then log in"),
        ...problemResponses(400, 403, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      if (loginRequiresVerifiedEmail(c.get("deps"))) {
        await registerPendingVerification(c.get("deps"), c.req.valid("json"), clientInfo(c.req.raw), c.get("accountModules"));
        return c.json({ status: "verification_sent" as const }, 202);
      }
      const { sessionId: _sid, ...result } = await register(c.get("deps"), c.req.valid("json"), clientInfo(c.req.raw), c.get("accountModules"));
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
      const { sessionId: _sid, ...result } = await countLoginResult(login(c.get("deps"), email, password, clientInfo(c.req.raw)));
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
      const { sessionId: _sid, ...pair } = await rotateRefreshToken(c.get("deps"), c.req.valid("json").refreshToken, clientInfo(c.req.raw));
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
      await logout(c.get("deps"), userId, sessionId, clientInfo(c.req.raw));
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
      await logoutEverywhere(c.get("deps"), c.get("principal").userId, clientInfo(c.req.raw));
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
      const rows = await listActiveSessions(c.get("deps"), principal.userId);
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
      await endOwnSession(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
