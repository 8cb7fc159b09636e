import { z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { deleteClient, getClient, listClients, registerClient, rotateClientSecret, setClientDisabled, updateClient } from "../../../shared/oauth/clients";
import { OIDC_SCOPES } from "../../../shared/oauth/scopes";
import { createRouter } from "../context";
import { adminRoute } from "../middleware/auth";

const tags = ["oauth"];
const adminProblems = (...more: number[]) => problemResponses(401, 403, ...more);

/** https, or http on the loopback host (a developer's app); absolute, no fragment, no credentials (RFC 9700 2.1, 4.1.3). */
function acceptableRedirectUri(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.hash || value.includes("#") || url.username || url.password) return false;
    if (url.protocol === "https:") return true;
    return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

const RedirectUri = z
  .string()
  .max(2000)
  .refine(acceptableRedirectUri, "Must be an absolute https URL (http only on localhost) without a fragment")
  .openapi({ example: "https://app.example.com/callback" });
const Scope = z.enum(OIDC_SCOPES);

const ClientSchema = z
  .object({
    clientId: z.string(),
    name: z.string(),
    type: z.enum(["public", "confidential"]),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    backchannelLogoutUri: z.string().nullable(),
    resourceServerFor: z.array(z.string()).openapi({ description: "The clients whose tokens this client may introspect, besides its own" }),
    scopes: z.array(z.string()),
    firstParty: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    secretRotatedAt: z.string().nullable(),
  })
  .openapi("OAuthClient");

const ClientEnvelope = z.object({ client: ClientSchema });
const ClientWithSecret = z
  .object({
    clientId: z.string(),
    clientSecret: z.string().optional().openapi({ description: "Confidential clients only; shown once, stored hashed" }),
    client: ClientSchema,
  })
  .openapi("OAuthClientCreated");

const ClientName = z.string().trim().min(1).max(100);
const RedirectUris = z.array(RedirectUri).min(1).max(20);
const PostLogoutRedirectUris = z.array(RedirectUri).max(20);
const BackchannelLogoutUri = RedirectUri.openapi({
  description: "OIDC Back-Channel Logout: where logout tokens are posted",
  example: "https://app.example.com/backchannel-logout",
});
const ResourceServerFor = z
  .array(z.string().min(1).max(100))
  .max(50)
  .openapi({
    description:
      "The clients this client is a resource server for: `POST /oauth/introspect` answers it about their tokens too (RFC 7662 §4). Any other client's token introspects as `{active: false}`.",
    example: ["client_abc123"],
  });
const Scopes = z
  .array(Scope)
  .min(1)
  .max(OIDC_SCOPES.length)
  .transform((scopes) => [...new Set(scopes)]);

const CreateClientBody = z
  .object({
    name: ClientName,
    redirectUris: RedirectUris,
    postLogoutRedirectUris: PostLogoutRedirectUris.optional(),
    backchannelLogoutUri: BackchannelLogoutUri.nullable().optional(),
    resourceServerFor: ResourceServerFor.optional(),
    type: z.enum(["public", "confidential"]),
    scopes: Scopes,
    firstParty: z.boolean().default(false),
  })
  .strict()
  .openapi("CreateOAuthClientRequest");

const UpdateClientBody = z
  .object({
    name: ClientName.optional(),
    redirectUris: RedirectUris.optional(),
    postLogoutRedirectUris: PostLogoutRedirectUris.optional(),
    backchannelLogoutUri: BackchannelLogoutUri.nullable().optional(),
    resourceServerFor: ResourceServerFor.optional(),
    scopes: Scopes.optional(),
    firstParty: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("UpdateOAuthClientRequest");

const ClientIdParam = z.object({
  clientId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "clientId", in: "path" } }),
});

/** /v1/admin/oauth/clients: the apps that may sign users in through the platform (docs/sso.md). */
export const oauthAdminRoutes = createRouter()
  .openapi(
    adminRoute({
      method: "post",
      path: "/clients",
      tags,
      summary: "Register an OAuth/OpenID Connect client",
      description:
        "A confidential client gets a `clientSecret`, answered this once and stored hashed (rotate it with POST /clients/{clientId}/secret). Redirect URIs are matched exactly. First-party clients skip the consent page.",
      request: { body: jsonBody(CreateClientBody) },
      responses: { 201: jsonResponse(ClientWithSecret, "The client (and its secret)"), ...adminProblems(400, 415) },
    }),
    async (c) => {
      const created = await registerClient(c.get("deps"), { userId: c.get("principal").userId, client: clientInfo(c.req.raw) }, c.req.valid("json"));
      return c.json(
        { clientId: created.client.clientId, ...(created.clientSecret ? { clientSecret: created.clientSecret } : {}), client: created.client },
        201,
      );
    },
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/clients",
      tags,
      summary: "List OAuth clients",
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ items: z.array(ClientSchema), nextCursor: z.string().nullable() }), "Clients, oldest first"),
        ...adminProblems(400),
      },
    }),
    async (c) => c.json(await listClients(c.get("deps"), c.req.valid("query")), 200),
  )
  .openapi(
    adminRoute({
      method: "get",
      path: "/clients/{clientId}",
      tags,
      summary: "One OAuth client",
      request: { params: ClientIdParam },
      responses: { 200: jsonResponse(ClientEnvelope, "The client"), ...adminProblems(400, 404) },
    }),
    async (c) => c.json({ client: await getClient(c.get("deps"), c.req.valid("param").clientId) }, 200),
  )
  .openapi(
    adminRoute({
      method: "patch",
      path: "/clients/{clientId}",
      tags,
      summary: "Change an OAuth client's name, redirect URIs, scopes or first-party flag",
      request: { params: ClientIdParam, body: jsonBody(UpdateClientBody) },
      responses: { 200: jsonResponse(ClientEnvelope, "The client"), ...adminProblems(400, 404, 415) },
    }),
    async (c) => {
      const admin = { userId: c.get("principal").userId, client: clientInfo(c.req.raw) };
      return c.json({ client: await updateClient(c.get("deps"), admin, c.req.valid("param").clientId, c.req.valid("json")) }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/clients/{clientId}/disable",
      tags,
      summary: "Disable an OAuth client",
      description: "At once: its sign-ins, codes and token requests are refused, and every token it holds answers `active: false`.",
      request: { params: ClientIdParam },
      responses: { 200: jsonResponse(ClientEnvelope, "The client"), ...adminProblems(400, 404) },
    }),
    async (c) => {
      const admin = { userId: c.get("principal").userId, client: clientInfo(c.req.raw) };
      return c.json({ client: await setClientDisabled(c.get("deps"), admin, c.req.valid("param").clientId, true) }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/clients/{clientId}/enable",
      tags,
      summary: "Enable a disabled OAuth client",
      request: { params: ClientIdParam },
      responses: { 200: jsonResponse(ClientEnvelope, "The client"), ...adminProblems(400, 404) },
    }),
    async (c) => {
      const admin = { userId: c.get("principal").userId, client: clientInfo(c.req.raw) };
      return c.json({ client: await setClientDisabled(c.get("deps"), admin, c.req.valid("param").clientId, false) }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "post",
      path: "/clients/{clientId}/secret",
      tags,
      summary: "Rotate a confidential client's secret",
      description: "The new secret is answered once; the old one stops working at once. A public client has none (`409 invalid_client_type`).",
      request: { params: ClientIdParam },
      responses: { 200: jsonResponse(ClientWithSecret, "The client and its new secret"), ...adminProblems(400, 404, 409) },
    }),
    async (c) => {
      const admin = { userId: c.get("principal").userId, client: clientInfo(c.req.raw) };
      const rotated = await rotateClientSecret(c.get("deps"), admin, c.req.valid("param").clientId);
      return c.json({ clientId: rotated.client.clientId, clientSecret: rotated.clientSecret, client: rotated.client }, 200);
    },
  )
  .openapi(
    adminRoute({
      method: "delete",
      path: "/clients/{clientId}",
      tags,
      summary: "Delete an OAuth client",
      description: "For good: its grants, codes and tokens are deleted with it (its tokens answer `active: false`). Recorded as an `oauth_client.deleted` audit event.",
      request: { params: ClientIdParam },
      responses: { 204: { description: "Deleted" }, ...adminProblems(400, 404) },
    }),
    async (c) => {
      await deleteClient(c.get("deps"), { userId: c.get("principal").userId, client: clientInfo(c.req.raw) }, c.req.valid("param").clientId);
      return c.body(null, 204);
    },
  );
