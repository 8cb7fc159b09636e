import { z } from "@hono/zod-openapi";
import { CALL_TYPES } from "../../../shared/calls/call";
import { CallSchema } from "../../../shared/calls/call-schema";
import {
  activeCalls,
  callHistory,
  commandCall,
  deleteCallFromHistory,
  getCall,
  missedCallCount,
  placeCall,
  signallingSession,
} from "../../../shared/calls/calls";
import { GroupCallSchema } from "../../../shared/calls/group-call-schema";
import { placeChatCall } from "../../../shared/calls/group-calls";
import { iceServersFor } from "../../../shared/calls/ice-servers";
import { QualityReportSchema, reportCallQuality } from "../../../shared/calls/quality";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { createRouter } from "../context";
import { authedRoute, upgradeRoute, upgradeSessionSocket } from "../middleware/auth";
import { TicketQuery } from "./realtime";

const tags = ["calls"];

const IceServersSchema = z
  .object({
    iceServers: z.array(z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() })),
    ttl: z.number().int().openapi({ description: "Seconds the TURN credentials stay valid" }),
  })
  .openapi("IceServers");

/** One object (not a union), so a refusal names the field at fault. */
const PlaceCallBody = z
  .object({
    calleeId: z.string().min(1).max(64).optional().openapi({ description: "The user to call (two-party)" }),
    chatId: z.string().min(1).max(64).optional().openapi({ description: "A chat you are a member of: its call" }),
    type: z.enum(CALL_TYPES),
  })
  .strict()
  .refine((body) => (body.calleeId === undefined) !== (body.chatId === undefined), { message: "Give exactly one of calleeId and chatId", path: ["chatId"] })
  .openapi("PlaceCallRequest", { description: "Exactly one of `calleeId` and `chatId`" });

const CallOrGroupCall = z.union([CallSchema, GroupCallSchema]);

const CallPage = z.object({ items: z.array(CallSchema), nextCursor: z.string().nullable() }).openapi("CallPage");
const CallList = z.object({ items: z.array(CallSchema) }).openapi("CallList");

const MissedQuery = z.object({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ param: { name: "since", in: "query" }, description: "Count only calls after this instant (e.g. when the user last opened the call list)" }),
});
const MissedCount = z.object({ count: z.number().int(), since: z.string().nullable() }).openapi("MissedCallCount");

function commandRoute(command: "accept" | "reject" | "end", summary: string, description: string) {
  return authedRoute({
    method: "post",
    path: `/{id}/${command}`,
    tags,
    summary,
    description,
    request: { params: IdParam },
    responses: { 200: jsonResponse(CallSchema, "The call after the change"), ...problemResponses(400, 401, 403, 404, 409) },
  });
}

export const callRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/ice-servers",
      tags,
      summary: "STUN and TURN servers with short-lived TURN credentials",
      description:
        "TURN comes from Cloudflare's TURN service (CLOUDFLARE_TURN_KEY_ID + CLOUDFLARE_TURN_API_TOKEN) or coturn's shared-secret scheme (TURN_URLS + TURN_SECRET); with neither, STUN only.",
      responses: { 200: jsonResponse(IceServersSchema, "ICE servers for RTCPeerConnection"), ...problemResponses(401, 503) },
    }),
    async (c) => {
      c.header("cache-control", "no-store");
      return c.json(await iceServersFor(c.get("deps"), c.get("principal").userId), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Call a user, or start or join a chat's call",
      description:
        "`{calleeId}`: rings every connected device of the callee (`call.incoming` on their realtime hub). A callee already in a ringing or answered call: `409 busy` (the attempt is kept in both histories as `busy`). A caller already in a call: `409 already_in_call`. `{chatId}` (a chat you are a member of, else `404`): a direct chat calls its other member the same way; a group chat or the general chat starts its group call (`201`, every other member's devices ring with `group_call.incoming`) or answers the one already running (`200`). Join a group call by opening `GET /v1/group-calls/{id}/ws`.",
      request: { body: jsonBody(PlaceCallBody) },
      responses: {
        200: jsonResponse(GroupCallSchema, "The chat's group call, already running"),
        201: jsonResponse(CallOrGroupCall, "Ringing: a two-party call, or the group call just started"),
        ...problemResponses(400, 401, 404, 409, 415, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const deps = c.get("deps");
      const userId = c.get("principal").userId;
      if (body.calleeId !== undefined) return c.json(await placeCall(deps, userId, { calleeId: body.calleeId, type: body.type }), 201);
      const placed = await placeChatCall(deps, userId, { chatId: body.chatId!, type: body.type });
      if (placed.kind === "direct") return c.json(placed.call, 201);
      return placed.created ? c.json(placed.call, 201) : c.json(placed.call, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/history",
      tags,
      summary: "The user's calls, newest first",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(CallPage, "A page of calls"), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await callHistory(c.get("deps"), c.get("principal").userId, limit, cursor), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/active",
      tags,
      summary: "The user's calls that are ringing or answered",
      responses: { 200: jsonResponse(CallList, "Active calls"), ...problemResponses(401) },
    }),
    async (c) => c.json(await activeCalls(c.get("deps"), c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/missed-count",
      tags,
      summary: "How many calls to the user went unanswered",
      description: "Counts calls to the user that ended `missed` or `busy`, not deleted from their history, optionally only after `since`.",
      request: { query: MissedQuery },
      responses: { 200: jsonResponse(MissedCount, "The count"), ...problemResponses(400, 401) },
    }),
    async (c) => c.json(await missedCallCount(c.get("deps"), c.get("principal").userId, c.req.valid("query").since), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One call (participants only)",
      request: { params: IdParam },
      responses: { 200: jsonResponse(CallSchema, "The call"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await getCall(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a finished call from your own history",
      description: "The other participant keeps it. Active calls cannot be deleted (`409 call_active`).",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted from your history" }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      await deleteCallFromHistory(c.get("deps"), c.req.valid("param").id, c.get("principal").userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    commandRoute(
      "accept",
      "Answer a ringing call (callee only)",
      "Idempotent for an answered call. `403 not_callee` for the caller; `409 call_not_ringing` once the call is over.",
    ),
    async (c) => c.json(await commandCall(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, "accept"), 200),
  )
  .openapi(
    commandRoute("reject", "Decline a ringing call (callee only)", "Idempotent for a rejected call. `409 call_not_ringing` once it was answered or ended."),
    async (c) => c.json(await commandCall(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, "reject"), 200),
  )
  .openapi(
    commandRoute(
      "end",
      "Hang up (either participant)",
      "An answered call becomes `ended`; a ringing one `missed`. Ending a finished call returns it unchanged.",
    ),
    async (c) => c.json(await commandCall(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, "end"), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/report",
      tags,
      summary: "Report what this browser measured over a call (participants only)",
      description:
        "Sent by the client when a two-party or group call ends: the candidate type of the selected pair (host, srflx, prflx, relay), round-trip time, packet loss and setup time. Kept once per user and call (a repeat answers `recorded: false`); `/metrics` shows the relay share (`call_quality_reports_total`) and the setup-time histogram (`call_setup_seconds`).",
      request: { params: IdParam, body: jsonBody(QualityReportSchema) },
      responses: {
        202: jsonResponse(z.object({ recorded: z.boolean() }).openapi("CallQualityRecorded"), "Accepted"),
        ...problemResponses(400, 401, 404, 415),
      },
    }),
    async (c) => c.json(await reportCallQuality(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("json")), 202),
  )
  .openapi(
    upgradeRoute({
      method: "get",
      path: "/{id}/ws",
      tags,
      summary: "Signalling socket of a call (participants only, WebSocket)",
      description:
        "Upgrade with `Authorization: Bearer` or `?ticket=`. Send `sdp.offer`, `sdp.answer`, `ice.candidate`, `hangup`, `ping`; the other participant receives them with `from`, frames for a participant not yet connected are held and delivered on connect. The server pushes `call.state` on every change. One socket per participant: a second device replaces the first (close code 4000).",
      request: { params: IdParam, query: TicketQuery },
      responses: { 101: { description: "Switching protocols" }, ...problemResponses(400, 401, 404, 409, 426) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return upgradeSessionSocket(c.get("deps"), c.req.raw, { kind: "call", id }, (principal) => signallingSession(c.get("deps"), id, principal.userId));
    },
  );
