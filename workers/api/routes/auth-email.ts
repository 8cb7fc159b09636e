import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { requestEmailVerification, verifyEmail } from "../../../shared/identity/account/email-verification";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { identityTags as tags, OneTimeToken, UserSchema } from "./identity-schemas";

const TokenBody = z.object({ token: OneTimeToken }).openapi("TokenRequest");

/** /v1/auth: e-mail address verification. */
export const authEmailRoutes = createRouter()
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
      await requestEmailVerification(c.get("deps"), c.get("principal").userId);
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
      const user = await verifyEmail(c.get("deps"), c.req.valid("json").token, clientInfo(c.req.raw));
      return c.json({ user }, 200);
    },
  );
