import { z } from "@hono/zod-openapi";
import { GroupCallSchema } from "../../../shared/calls/group-call-schema";
import { deleteGroupCallFromHistory, getGroupCall, groupCallHistory, groupCallRoom, leaveGroupCall } from "../../../shared/calls/group-calls";
import { PageQuery } from "../../../shared/http/pagination";
import { CALL_TYPES } from "../../../shared/calls/call";
import { IdParam, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { createRouter } from "../context";
import { authedRoute, upgradeRoute, upgradeSessionSocket } from "../middleware/auth";
import { TicketQuery } from "./realtime";

const tags = ["calls"];

const GroupCallWithRecord = GroupCallSchema.extend({
  stretches: z
    .array(
      z.object({
        userId: z.string(),
        displayName: z.string().nullable().openapi({ description: "null once the person deleted their account" }),
        joinedAt: z.string(),
        leftAt: z.string().nullable(),
        seconds: z.number().int().nullable().openapi({ description: "How long this stretch lasted; null while the person is still in the call" }),
      }),
    )
    .openapi({ description: "The call's record: every stretch of every participant, in joining order (a rejoin is a new stretch)" }),
}).openapi("GroupCallWithRecord");

const GroupCallHistoryItem = z
  .object({
    id: z.string(),
    kind: z.literal("group"),
    chatId: z.string(),
    chatTitle: z.string().nullable().openapi({ description: "The group's title; null for the general chat or a chat since deleted" }),
    chatType: z.enum(["general", "direct", "group"]).nullable().openapi({ description: "null once the chat was deleted" }),
    type: z.enum(CALL_TYPES),
    status: z.enum(["active", "ended"]),
    startedBy: z.string(),
    createdAt: z.string(),
    endedAt: z.string().nullable(),
    people: z
      .array(z.object({ userId: z.string(), displayName: z.string().nullable() }))
      .openapi({ description: "Everyone who took part, in order of first joining (displayName null once they deleted their account)" }),
    ownSeconds: z.number().int().nullable().openapi({ description: "Your own time in the call over every stretch; null while you are in it" }),
  })
  .openapi("GroupCallHistoryItem");
const GroupCallHistoryPage = z.object({ items: z.array(GroupCallHistoryItem), nextCursor: z.string().nullable() }).openapi("GroupCallHistoryPage");

/** /v1/group-calls: a running group call, its record, leaving it, and its socket (joining); the group calls of one's history. */
export const groupCallRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/history",
      tags,
      summary: "The group calls you took part in, newest first",
      description:
        "Your call history's group calls (two-party calls are `GET /v1/calls/history`): each with its chat, everyone who took part and your own time in it. Calls you deleted from your history are left out.",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(GroupCallHistoryPage, "A page of group calls"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await groupCallHistory(c.get("deps"), c.get("principal").userId, limit, cursor), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "A group call: who is in it now and who took part (members of its chat only)",
      request: { params: IdParam },
      responses: { 200: jsonResponse(GroupCallWithRecord, "The call and its record"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await getGroupCall(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a group call from your own history",
      description:
        "The call's record and the other participants' histories keep it. `404` for a call you did not take part in; `409 call_active` while it runs.",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted from your history" }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      await deleteGroupCallFromHistory(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/leave",
      tags,
      summary: "Leave a group call on every device",
      description:
        "Closes your sockets to the call (code 4002); the last one out ends the call. Leaving a call you are not in, or one that ended, changes nothing.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(GroupCallSchema, "The call after you left"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await leaveGroupCall(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    upgradeRoute({
      method: "get",
      path: "/{id}/ws",
      tags,
      summary: "Join a group call (members of its chat only, WebSocket)",
      description:
        "Upgrade with `Authorization: Bearer` or `?ticket=`. Opening the socket joins the call; `leave` or closing it leaves. `409 call_over` for an ended call, `409 call_full` at the cap (`CALL_MESH_MAX_PARTICIPANTS`, or `CALL_MAX_PARTICIPANTS` when an SFU is configured). Frames: docs/calls.md and /asyncapi.json (channel `groupCall`).",
      request: { params: IdParam, query: TicketQuery },
      responses: { 101: { description: "Switching protocols" }, ...problemResponses(400, 401, 404, 409, 426) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return upgradeSessionSocket(c.get("deps"), c.req.raw, { kind: "call-room", id }, (principal) => groupCallRoom(c.get("deps"), id, principal.userId));
    },
  );
