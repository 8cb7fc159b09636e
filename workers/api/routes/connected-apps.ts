import { z } from "@hono/zod-openapi";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { disconnectApp, listConnectedApps } from "../../../shared/oauth/connected-apps";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["oauth"];

const ConnectedAppSchema = z
  .object({
    clientId: z.string(),
    name: z.string(),
    firstParty: z.boolean(),
    scopes: z.array(z.string()),
    connectedAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: "When the app last received tokens (sign-in or refresh)" }),
  })
  .openapi("ConnectedApp");

const ClientIdParam = z.object({
  clientId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "clientId", in: "path" } }),
});

/** /v1/me/connected-apps: the apps the user signed in to through the platform. */
export const connectedAppRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The apps the user signed in to, with their scopes and last use",
      responses: { 200: jsonResponse(z.object({ items: z.array(ConnectedAppSchema) }), "Connected apps, most recently used first"), ...problemResponses(401) },
    }),
    async (c) => c.json({ items: await listConnectedApps(c.get("deps"), c.get("principal").userId) }, 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{clientId}",
      tags,
      summary: "Disconnect an app",
      description: "Forgets the consent and revokes every token the app holds for the user, at once. `404 app_not_connected` when there is no such app.",
      request: { params: ClientIdParam },
      responses: { 204: { description: "Disconnected" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      await disconnectApp(c.get("deps"), c.get("principal").userId, c.req.valid("param").clientId, clientInfo(c.req.raw));
      return c.body(null, 204);
    },
  );
