import { z } from "@hono/zod-openapi";
import {
  createMemberInvite,
  inviteLink,
  listOwnInvites,
  MEMBER_INVITE_MAX_SECONDS,
  MEMBER_INVITE_MAX_USES,
  revokeOwnInvite,
} from "../../../shared/identity/admin/invites";
import type { InviteView } from "../../../shared/identity/admin/invites";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { identityTags as tags, InviteCodeParam, InviteSchema } from "./identity-schemas";

const MemberInviteSchema = InviteSchema.extend({
  url: z.string().openapi({ description: "The link to send: it opens the web app's sign-up with the code filled in" }),
}).openapi("MemberInvite");

const CreateMemberInviteBody = z
  .object({
    maxUses: z.number().int().min(1).max(MEMBER_INVITE_MAX_USES).default(1),
    expiresInSeconds: z.number().int().min(60).max(MEMBER_INVITE_MAX_SECONDS).optional().openapi({ description: "Default: a week" }),
  })
  .strict()
  .openapi("CreateMemberInviteRequest");

const withLink = (origin: string, invite: InviteView) => ({ ...invite, url: inviteLink(origin, invite.code) });

/** Invite links made by members (`INVITES_BY=members`, the default) or only by admins (`admins`). */
export const inviteRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create an invite link for someone to join",
      description: `Any member, or only admins where \`INVITES_BY=admins\` (\`403 invites_admins_only\`). Up to ${MEMBER_INVITE_MAX_USES} uses; it expires after a week unless asked otherwise (at most 30 days). Members create at most \`RATE_LIMIT_INVITES_PER_USER\` (\`429\`).`,
      request: { body: jsonBody(CreateMemberInviteBody) },
      responses: { 201: jsonResponse(MemberInviteSchema, "The invite and its link"), ...problemResponses(400, 401, 403, 415, 429) },
    }),
    async (c) => {
      const invite = await createMemberInvite(c.get("deps"), c.get("principal"), c.req.valid("json"), clientInfo(c.req.raw));
      return c.json(withLink(c.get("deps").config.publicOrigin, invite), 201);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The invite links you made, newest first",
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ items: z.array(MemberInviteSchema), nextCursor: z.string().nullable() }).openapi("MemberInvitePage"), "Your invites"),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const origin = c.get("deps").config.publicOrigin;
      const page = await listOwnInvites(c.get("deps"), c.get("principal"), c.req.valid("query"));
      return c.json({ items: page.items.map((invite) => withLink(origin, invite)), nextCursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{code}",
      tags,
      summary: "Revoke an invite link you made",
      request: { params: InviteCodeParam },
      responses: { 204: { description: "Revoked" }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      await revokeOwnInvite(c.get("deps"), c.get("principal"), c.req.valid("param").code, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
