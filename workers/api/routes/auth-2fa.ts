import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { assertVerifiedEmailFor } from "../../../shared/identity/account/verified-email-policy";
import { completeMfaLogin } from "../../../shared/identity/mfa/mfa-login";
import { disableTotp, enableTotp, remainingBackupCodes, setupTotp, totpEnabled } from "../../../shared/identity/mfa/totp";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { AuthResultSchema, identityTags as tags, OneTimeToken, PasswordField } from "./identity-schemas";
import { countLoginResult } from "../../../shared/identity/sessions/login-results";

const MfaLoginBody = z.object({ mfaToken: OneTimeToken, code: z.string().trim().min(6).max(32).openapi({ example: "123456" }) }).openapi("MfaLoginRequest");
const CodeBody = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "Must be 6 digits"),
  })
  .openapi("TotpCodeRequest");
const PasswordBody = z.object({ password: PasswordField }).openapi("PasswordRequest");
const TotpSetupSchema = z
  .object({
    secret: z.string().openapi({ description: "Base32 secret, for manual entry" }),
    otpauthUrl: z.string().openapi({ example: "otpauth://totp/platform:ada%40example.com?secret=...&issuer=platform" }),
    qrSvg: z.string().openapi({ description: "SVG image of a QR code of otpauthUrl" }),
  })
  .openapi("TotpSetup");

const TwoFactorStatusSchema = z
  .object({
    totpEnabled: z.boolean(),
    backupCodesRemaining: z.number().int().openapi({ description: "Unused backup codes (0 while 2FA is off)" }),
  })
  .openapi("TwoFactorStatus");

/** /v1/auth: the second login step and TOTP setup. */
export const auth2faRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/2fa",
      tags,
      summary: "Whether TOTP 2FA is on, and how many backup codes are left",
      responses: { 200: jsonResponse(TwoFactorStatusSchema, "2FA status"), ...problemResponses(401) },
    }),
    async (c) => {
      const { db } = c.get("deps");
      const { userId } = c.get("principal");
      return c.json({ totpEnabled: await totpEnabled(db, userId), backupCodesRemaining: await remainingBackupCodes(db, userId) }, 200);
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
      const { sessionId: _sid, ...result } = await countLoginResult(completeMfaLogin(c.get("deps"), mfaToken, code, clientInfo(c.req.raw)));
      return c.json(result, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/2fa/totp/setup",
      tags,
      summary: "Start TOTP setup",
      description:
        "Needs the current password (a wrong one is `403 invalid_password`, counted by the password-check limit). Returns a new secret, its `otpauth://` URL and the URL as an SVG QR code. 2FA is not on until /2fa/totp/enable receives a valid code. Calling setup again replaces a secret not yet enabled.",
      request: { body: jsonBody(PasswordBody) },
      responses: { 200: jsonResponse(TotpSetupSchema, "Secret to add to an authenticator app"), ...problemResponses(400, 401, 403, 409, 415, 429) },
    }),
    async (c) => {
      const { userId } = c.get("principal");
      await assertVerifiedEmailFor(c.get("deps"), userId, "totp.setup");
      return c.json(await setupTotp(c.get("deps"), userId, c.req.valid("json").password, clientInfo(c.req.raw)), 200);
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
      const backupCodes = await enableTotp(c.get("deps"), c.get("principal").userId, c.req.valid("json").code, clientInfo(c.req.raw));
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
      await disableTotp(c.get("deps"), c.get("principal").userId, c.req.valid("json").password, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
