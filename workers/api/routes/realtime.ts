import { z } from "@hono/zod-openapi";
import { authenticateUpgrade } from "../../../shared/identity/sessions/principal";
import { issueRealtimeTicket } from "../../../shared/identity/tokens/realtime-tickets";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { handUpgradeTo, requireWebSocketUpgrade } from "../../../shared/realtime/upgrade";
import { createRouter } from "../context";
import { authedRoute, upgradeRoute } from "../middleware/auth";

const tags = ["realtime"];

const TicketSchema = z
  .object({ ticket: z.string(), expiresIn: z.number().int().openapi({ description: "Seconds the ticket stays valid" }) })
  .openapi("RealtimeTicket");

export const TicketQuery = z.object({
  ticket: z
    .string()
    .max(128)
    .optional()
    .openapi({ param: { name: "ticket", in: "query" }, description: "Single-use ticket from POST /v1/realtime/tickets" }),
});

export const realtimeRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/tickets",
      tags,
      summary: "A single-use ticket for a WebSocket upgrade",
      description: "Browsers cannot set headers on a WebSocket: pass `?ticket=` instead. Valid 60 s, once, bound to the user and session.",
      responses: { 201: jsonResponse(TicketSchema, "Ticket issued"), ...problemResponses(401) },
    }),
    async (c) => c.json(await issueRealtimeTicket(c.get("deps"), c.get("principal")), 201),
  )
  .openapi(
    upgradeRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Connect a device to the user's realtime hub (WebSocket)",
      description:
        'Upgrade with `Authorization: Bearer` or `?ticket=`. The server pushes `call.incoming`, `call.state`, `chat.updated` and `asset.updated`; the client may send `{type:"ping"}`.',
      request: { query: TicketQuery },
      responses: { 101: { description: "Switching protocols" }, ...problemResponses(401, 426) },
    }),
    async (c) => {
      requireWebSocketUpgrade(c.req.raw);
      const principal = await authenticateUpgrade(c.get("deps"), c.req.raw);
      return handUpgradeTo(c.get("deps").objects.userHub(principal.userId), c.req.raw, principal);
    },
  );
