import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { countLoginResult } from "../../../shared/identity/sessions/login-results";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { confirmPhone, phoneSettings, removePhone, requestPhoneConfirmation } from "../../../shared/identity/phone/phone-account";
import { exchangePhoneResetCode, requestPhonePasswordReset, requestPhoneSignInCode, signInWithPhone } from "../../../shared/identity/phone/phone-sign-in";
import { smsSenderFor } from "../../../shared/identity/phone/sms-sender";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { AuthResultSchema, identityTags as tags, PasswordField } from "./identity-schemas";

const PhoneNumber = z.string().trim().min(3).max(32).openapi({ description: "E.164 (`+442079460958`) or national with `region`", example: "+442079460958" });
const Region = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/)
  .transform((value) => value.toUpperCase())
  .optional()
  .openapi({ description: "ISO 3166 country a national number is read in (e.g. `GB`); default PHONE_DEFAULT_REGION", example: "GB" });
const SmsCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/)
  .openapi({ description: "The six digits of the SMS", example: "123456" });

const PhoneView = z.object({ e164: z.string(), national: z.string(), international: z.string(), country: z.string().nullable() }).openapi("PhoneNumber");
const PhoneSettingsSchema = z
  .object({ phone: PhoneView.extend({ confirmedAt: z.string() }).nullable(), pending: PhoneView.nullable() })
  .openapi("PhoneSettings");
const NumberBody = z.object({ phone: PhoneNumber, region: Region }).openapi("PhoneNumberRequest");
const CodeRequest = z.object({ phone: PhoneNumber, region: Region, code: SmsCode }).openapi("PhoneCodeRequest");

/** /v1/me/phone: the account's phone number (add, confirm with an SMS code, change, remove). */
export const mePhoneRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/phone",
      tags,
      summary: "The account's phone number",
      description: "`phone`: the confirmed number; `pending`: a number a code was texted to that is not confirmed yet.",
      responses: { 200: jsonResponse(PhoneSettingsSchema, "Phone settings"), ...problemResponses(401) },
    }),
    async (c) => c.json(await phoneSettings(c.get("deps"), c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/phone",
      tags,
      summary: "Add or change the phone number (texts a code)",
      description:
        "Needs the password (`403 invalid_password`, rate limited). Texts a six-digit code (10 minutes, 5 tries) to the number; it becomes the account's with POST /v1/me/phone/confirm. A number already confirmed elsewhere is refused only at confirmation, to its holder. Rate limited per IP and per number.",
      request: { body: jsonBody(NumberBody.extend({ password: PasswordField }).openapi("AddPhoneRequest")) },
      responses: { 202: jsonResponse(z.object({ pending: PhoneView }), "Code queued"), ...problemResponses(400, 401, 403, 409, 415, 429, 503) },
    }),
    async (c) => {
      const { phone, region, password } = c.req.valid("json");
      const pending = await requestPhoneConfirmation(c.get("deps"), c.get("principal").userId, phone, region ?? null, password, clientInfo(c.req.raw));
      return c.json({ pending }, 202);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/phone/confirm",
      tags,
      summary: "Confirm the pending number with the texted code",
      request: { body: jsonBody(z.object({ code: SmsCode }).openapi("ConfirmPhoneRequest")) },
      responses: { 200: jsonResponse(PhoneSettingsSchema, "Confirmed"), ...problemResponses(400, 401, 409, 415) },
    }),
    async (c) => c.json(await confirmPhone(c.get("deps"), c.get("principal").userId, c.req.valid("json").code, clientInfo(c.req.raw)), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/phone",
      tags,
      summary: "Remove the phone number",
      description: "Needs the password. Phone sign-in and SMS password recovery stop for the account.",
      request: { body: jsonBody(z.object({ password: PasswordField }).openapi("RemovePhoneRequest")) },
      responses: { 204: { description: "Removed" }, ...problemResponses(400, 401, 403, 404, 415, 429) },
    }),
    async (c) => {
      await removePhone(c.get("deps"), c.get("principal").userId, c.req.valid("json").password, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );

/** /v1/auth: signing in with a phone number and an SMS code, and resetting a password through the phone. */
export const authPhoneRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/phone",
      tags,
      summary: "What this server offers by phone",
      description: "`signIn`: phone sign-in is on (PHONE_SIGN_IN); `sms`: codes can be sent at all; `defaultRegion`: how national numbers are read.",
      responses: {
        200: jsonResponse(z.object({ signIn: z.boolean(), sms: z.boolean(), defaultRegion: z.string().nullable() }).openapi("PhoneOffer"), "Offer"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const sms = smsSenderFor(deps) !== null;
      return c.json({ signIn: sms && deps.config.phone.signInEnabled, sms, defaultRegion: deps.config.phone.defaultRegion }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/phone/code",
      tags,
      summary: "Text a sign-in code",
      description:
        "Always `202` with an empty body, whether or not the number is confirmed on an account (the look-up happens in a queued job); only such a number gets a code. `404 phone_sign_in_disabled` unless PHONE_SIGN_IN. Rate limited per IP and per number.",
      request: { body: jsonBody(NumberBody) },
      responses: { 202: { description: "Accepted" }, ...problemResponses(400, 404, 415, 429, 503) },
    }),
    async (c) => {
      const { phone, region } = c.req.valid("json");
      await requestPhoneSignInCode(c.get("deps"), phone, region ?? null, clientInfo(c.req.raw));
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/phone/sign-in",
      tags,
      summary: "Sign in with a phone number and the texted code",
      description:
        "A first factor like a password: the account's login rate limit and lockout apply, 2FA still asks its second step (`401 mfa_required`), a disabled account is `403`. A wrong code and an unknown number answer alike (`401 invalid_phone_code`).",
      request: { body: jsonBody(CodeRequest) },
      responses: { 200: jsonResponse(AuthResultSchema, "Signed in"), ...problemResponses(400, 401, 403, 404, 415, 429) },
    }),
    async (c) => {
      const { phone, region, code } = c.req.valid("json");
      const { sessionId: _sid, ...result } = await countLoginResult(signInWithPhone(c.get("deps"), phone, region ?? null, code, clientInfo(c.req.raw)));
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/password/forgot/phone",
      tags,
      summary: "Text a password reset code",
      description: "Always `202`, whether or not the number is confirmed on an account; only such a number gets a code. Rate limited per IP and per number.",
      request: { body: jsonBody(NumberBody) },
      responses: { 202: { description: "Accepted" }, ...problemResponses(400, 415, 429, 503) },
    }),
    async (c) => {
      const { phone, region } = c.req.valid("json");
      await requestPhonePasswordReset(c.get("deps"), phone, region ?? null, clientInfo(c.req.raw));
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/password/reset/phone",
      tags,
      summary: "Trade the texted reset code for a reset token",
      description:
        "Answers the `token` a mailed reset link carries (30 minutes, single use): set the new password with POST /v1/auth/password/reset. A wrong code and an unknown number answer alike (`400 invalid_phone_code`).",
      request: { body: jsonBody(CodeRequest) },
      responses: { 200: jsonResponse(z.object({ token: z.string() }).openapi("PhoneResetToken"), "Reset token"), ...problemResponses(400, 415, 429) },
    }),
    async (c) => {
      const { phone, region, code } = c.req.valid("json");
      return c.json({ token: await exchangePhoneResetCode(c.get("deps"), phone, region ?? null, code, clientInfo(c.req.raw)) }, 200);
    },
  );
