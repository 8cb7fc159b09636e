import { createRoute, z } from "@hono/zod-openapi";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { finishPasskeyLogin, startPasskeyLogin } from "../../../shared/identity/passkeys/passkey-login";
import { deletePasskey, finishPasskeyRegistration, listPasskeys, renamePasskey, startPasskeyRegistration } from "../../../shared/identity/passkeys/passkeys";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { countLoginResult } from "../../../shared/identity/sessions/login-results";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { AuthResultSchema, identityTags as tags, OneTimeToken, PasswordField } from "./identity-schemas";

const Base64Url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+$/, "Must be base64url");

// The JSON forms of PublicKeyCredential (WebAuthn Level 3), as @simplewebauthn/browser sends them.
// Extensions and transports are open sets in the spec, so unknown values pass and are ignored.
const CredentialFields = {
  id: Base64Url.max(1_400),
  rawId: Base64Url.max(1_400),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};
const RegistrationResponse = z
  .object({
    ...CredentialFields,
    response: z.object({
      clientDataJSON: Base64Url,
      attestationObject: Base64Url,
      authenticatorData: Base64Url.optional(),
      transports: z.array(z.string().max(32)).max(16).optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: Base64Url.optional(),
    }),
  })
  .openapi("PasskeyRegistrationResponse", { description: "The PublicKeyCredential from navigator.credentials.create(), as JSON" });
export const AuthenticationResponse = z
  .object({
    ...CredentialFields,
    response: z.object({
      clientDataJSON: Base64Url,
      authenticatorData: Base64Url,
      signature: Base64Url,
      userHandle: Base64Url.optional(),
    }),
  })
  .openapi("PasskeyAuthenticationResponse", { description: "The PublicKeyCredential from navigator.credentials.get(), as JSON" });

const PasskeyName = z.string().trim().min(1).max(64).openapi({ example: "Work laptop" });
const PasskeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    deviceType: z
      .enum(["singleDevice", "multiDevice"])
      .openapi({ description: "`multiDevice`: a synced passkey (iCloud Keychain, Google Password Manager...)" }),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("Passkey");
const OptionsSchema = z.object({ challenge: z.string(), rpId: z.string().optional(), timeout: z.number().optional() }).passthrough().openapi("PasskeyOptions", {
  description: "PublicKeyCredentialCreationOptionsJSON / PublicKeyCredentialRequestOptionsJSON: hand to @simplewebauthn/browser",
});

/** /v1/auth/passkeys: registering a passkey and signing in with one (first or second factor). */
export const authPasskeyRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/passkeys/registration/options",
      tags,
      summary: "Start adding a passkey",
      description:
        "Needs the current password (`403 invalid_password`, counted by the password-check limit): a passkey signs in on its own, so a stolen access token must not add one. Returns the options for `navigator.credentials.create()` (discoverable credential, attestation `none`, the account's passkeys excluded); the challenge is valid 5 minutes, once.",
      request: { body: jsonBody(z.object({ password: PasswordField }).openapi("PasskeyRegistrationOptionsRequest")) },
      responses: { 200: jsonResponse(OptionsSchema, "Creation options"), ...problemResponses(400, 401, 403, 409, 415, 429) },
    }),
    async (c) => {
      const options = await startPasskeyRegistration(c.get("deps"), c.get("principal").userId, c.req.valid("json").password, clientInfo(c.req.raw));
      return c.json(options, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/passkeys/registration/verify",
      tags,
      summary: "Finish adding a passkey",
      description:
        "Verifies the authenticator's answer against this user's outstanding challenge (spent by this call, right or wrong), the relying-party id and the origin, and stores the passkey. `400 invalid_challenge` when the challenge expired or was used, `400 invalid_webauthn_response` when the answer does not verify, `409 passkey_exists` for a credential registered already.",
      request: { body: jsonBody(z.object({ response: RegistrationResponse, name: PasskeyName.optional() }).openapi("PasskeyRegistrationVerifyRequest")) },
      responses: { 201: jsonResponse(z.object({ passkey: PasskeySchema }), "Passkey added"), ...problemResponses(400, 401, 409, 415) },
    }),
    async (c) => {
      const { response, name } = c.req.valid("json");
      // zod checked the shape; the WebAuthn types only narrow transports and extensions to known values.
      const passkey = await finishPasskeyRegistration(
        c.get("deps"),
        c.get("principal").userId,
        response as RegistrationResponseJSON,
        name,
        clientInfo(c.req.raw),
      );
      return c.json({ passkey }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/passkeys/login/options",
      tags,
      summary: "Start signing in with a passkey",
      description:
        "Without a body (or `{}`): first-factor options with no `allowCredentials`, for conditional UI (`autocomplete=\"username webauthn\"`) or the browser's passkey picker; user verification required. With `{mfaToken}` from a `401 mfa_required`: second-factor options listing that account's passkeys (`409 no_passkeys` when it has none). The challenge is valid 5 minutes, once. Limited per IP.",
      request: { body: jsonBody(z.object({ mfaToken: OneTimeToken.optional() }).strict().openapi("PasskeyLoginOptionsRequest")) },
      responses: { 200: jsonResponse(OptionsSchema, "Request options"), ...problemResponses(400, 401, 409, 415, 429) },
    }),
    async (c) => c.json(await startPasskeyLogin(c.get("deps"), c.req.valid("json").mfaToken, clientInfo(c.req.raw)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/passkeys/login/verify",
      tags,
      summary: "Finish signing in with a passkey",
      description:
        "Spends the challenge, takes a slot of the account's passkey limit (the 2FA limit for a second factor) before the signature is checked, verifies origin, relying-party id, signature and user verification, and refuses a signature counter that did not move up (a cloned authenticator: `passkey.counter_regressed` security event). Answers as /login: a new session and its tokens. A second factor also sends the `mfaToken`, which is spent on success.",
      request: {
        body: jsonBody(z.object({ response: AuthenticationResponse, mfaToken: OneTimeToken.optional() }).openapi("PasskeyLoginVerifyRequest")),
      },
      responses: { 200: jsonResponse(AuthResultSchema, "Signed in"), ...problemResponses(400, 401, 403, 415, 429) },
    }),
    async (c) => {
      const { response, mfaToken } = c.req.valid("json");
      const attempt = finishPasskeyLogin(c.get("deps"), response as AuthenticationResponseJSON, mfaToken, clientInfo(c.req.raw));
      const { sessionId: _sid, ...result } = await countLoginResult(attempt);
      return c.json(result, 200);
    },
  );

/** /v1/me/passkeys: the user's passkeys. */
export const mePasskeyRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/passkeys",
      tags,
      summary: "The user's passkeys",
      responses: { 200: jsonResponse(z.object({ items: z.array(PasskeySchema) }), "Passkeys, oldest first"), ...problemResponses(401) },
    }),
    async (c) => c.json({ items: await listPasskeys(c.get("deps"), c.get("principal").userId) }, 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/passkeys/{id}",
      tags,
      summary: "Rename a passkey",
      request: { params: IdParam, body: jsonBody(z.object({ name: PasskeyName }).openapi("PasskeyRenameRequest")) },
      responses: { 200: jsonResponse(z.object({ passkey: PasskeySchema }), "Renamed"), ...problemResponses(400, 401, 404, 415) },
    }),
    async (c) => {
      const passkey = await renamePasskey(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, c.req.valid("json").name, clientInfo(c.req.raw));
      return c.json({ passkey }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/passkeys/{id}",
      tags,
      summary: "Delete a passkey",
      description: "The passkey stops signing in at once; someone else's passkey is `404`.",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      await deletePasskey(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
