import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, problemResponses } from "../../../shared/http/openapi";
import { changePassword } from "../../../shared/identity/credentials/password-change";
import { requestPasswordReset, resetPassword } from "../../../shared/identity/credentials/password-reset";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { Email, identityTags as tags, OneTimeToken, PasswordField } from "./identity-schemas";

const ForgotBody = z.object({ email: Email }).openapi("ForgotPasswordRequest");
const ResetBody = z.object({ token: OneTimeToken, password: PasswordField }).openapi("ResetPasswordRequest");
const ChangePasswordBody = z.object({ currentPassword: PasswordField, newPassword: PasswordField }).openapi("ChangePasswordRequest");

/** /v1/auth: forgotten password, reset with a mailed token, and change with the current one. */
export const authPasswordRoutes = createRouter()
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
      await requestPasswordReset(c.get("deps"), c.req.valid("json").email, clientInfo(c.req.raw));
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
      await resetPassword(c.get("deps"), token, password, clientInfo(c.req.raw));
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
      await changePassword(c.get("deps"), userId, sessionId, currentPassword, newPassword, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
