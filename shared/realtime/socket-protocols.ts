import { z } from "zod";
import { CallSchema } from "../calls/call-schema";
import { SignallingFrames } from "../calls/signalling";
import { GroupCallSchema } from "../calls/group-call-schema";
import { GroupSignallingFrames } from "../calls/group-signalling";
import { SfuServerFrames } from "../calls/sfu/sfu-frames";
import { ChatClientFrames } from "../chat/frames";
import { AttachmentSchema, ChatSchema, ForwardOriginSchema, PersonSchema, ReactionSchema } from "../chat/schemas";
import { MessageRelationSchema } from "../chat/message-relation";
import { ApplicationSchema, CompanyInvitationSchema, CompanySchema } from "../jobs-board/schemas";
import type { AsyncApiInfo, DeliveredChannel, SocketProtocol } from "./asyncapi";
import { PUSH_PAYLOADS } from "../push/payloads";
import { CLOSE_CODES } from "./socket-kit";
import { HubClientFrames } from "./hub-frames";
import { VideoSchema } from "../video/model";
import { AssetFrameSchema } from "../studio/generation/asset-frame";
import { PRODUCT_NAME } from "../product";

const frame = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.object({ type: z.literal(type), ...shape }).describe(description);

/** Every socket's refusal: the frame is not handled; the socket stays open unless the session ended. */
const ErrorFrame = (extra: z.ZodRawShape, description: string) =>
  frame(
    "error",
    {
      code: z.string(),
      detail: z.string(),
      retryAfter: z.number().optional().describe("With `rate_limited`: seconds until the frame type is accepted again"),
      ...extra,
    },
    description,
  );

const SESSION_ENDED = `\`session_ended\` (the session of this socket ended: the socket is closed with ${CLOSE_CODES.session_ended.code} right after)`;

const Pong = frame("pong", {}, "Answer to `ping`.");

/** What the user's hub (`GET /v1/realtime`) pushes; what it accepts is in ./hub-frames.ts. */
export const HubServerFrames = {
  hello: frame("hello", { userId: z.string() }, "First frame after the socket opens."),
  pong: Pong,
  error: ErrorFrame(
    {},
    `A frame was refused (\`malformed_frame\`, \`unknown_frame_type\`, \`invalid_frame\`, \`binary_not_supported\`, \`frame_too_large\`, \`rate_limited\`, ${SESSION_ENDED}).`,
  ),
  "call.incoming": frame("call.incoming", { call: CallSchema }, "Someone is calling this user: every device of the callee rings."),
  "call.state": frame("call.state", { call: CallSchema }, "A call of this user changed state (answered, rejected, missed, ended, busy)."),
  "group_call.incoming": frame(
    "group_call.incoming",
    { call: GroupCallSchema },
    "A member started a group call on one of this user's chats: every device rings until the user joins (from any device) or the call ends.",
  ),
  "group_call.state": frame(
    "group_call.state",
    { call: GroupCallSchema },
    "A group call on one of this user's chats changed: someone joined or left (`participants`), or it ended (`status`).",
  ),
  "chat.updated": frame(
    "chat.updated",
    { chat: ChatSchema },
    "A chat of this user changed (new message, membership, title), with this user's own `unreadCount`. Sent to members who do not have the room open, and to every device of a member who marked it read (so badges clear on other tabs).",
  ),
  "chat.deleted": frame("chat.deleted", { chatId: z.string() }, "A chat of this user was deleted."),
  "person.updated": frame(
    "person.updated",
    { person: PersonSchema },
    "Someone this user shares a direct or group chat with (or this user, on another device) changed their name or picture.",
  ),
  // video
  "video.updated": frame(
    "video.updated",
    { video: VideoSchema },
    "A video of this user changed status (processing, moderation, approved, rejected with its reason, failed with Stream's reason), Stream reported further encoding progress (`processingPercent`), was archived, hidden by reports, or its scheduled publication came.",
  ),
  // jobs board
  "company.verification": frame(
    "company.verification",
    { company: CompanySchema, reason: z.string().nullable() },
    "A moderator approved (`company.verification` is `verified`) or rejected (`rejected`, with `reason`) the verification request of a company this user owns, or a member changed the name or website of the verified company, which is `pending` again (`reason` is `details_changed`).",
  ),
  "company.promoted": frame(
    "company.promoted",
    { company: CompanySchema, reason: z.enum(["last_owner_deleted_account", "last_owner_left"]) },
    "The last owner of a company this user belongs to deleted their account or left it, and this user, its longest-standing remaining member, is its owner now.",
  ),
  "company.invitation": frame(
    "company.invitation",
    { invitation: CompanyInvitationSchema },
    "An owner invited this user to join a company (accept with `POST /v1/companies/:id/invitations/:userId/accept`).",
  ),
  "application.updated": frame(
    "application.updated",
    { application: ApplicationSchema, reason: z.enum(["status_changed", "vacancy_closed"]) },
    "An application of this user changed: a company member moved it (`status_changed`, with the new `status` and the company's `note`), or the company closed the vacancy it is for (`vacancy_closed`; the application stays open until the company decides).",
  ),
  // studio generation
  "asset.updated": frame(
    "asset.updated",
    { asset: AssetFrameSchema },
    "A studio asset of this user changed status (pending, processing, completed, failed): sent on every change of a generation.",
  ),
};

/** A frame the hub sends, typed from its schemas: `notify` accepts nothing undocumented. */
export type HubServerFrame = z.input<(typeof HubServerFrames)[keyof typeof HubServerFrames]>;

// A message on the chat socket: shared/chat/message-frame.ts wireMessage().
const absent = (what: string) => `Left out when ${what}.`;

const WireQuoteSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    text: z.string(),
    senderId: z.string().optional().describe(absent("the sender deleted their account (REST: null)")),
    hasAttachments: z.literal(true).optional().describe(absent("false")),
    editedAt: z.string().optional().describe(absent("never edited (REST: null)")),
    deletedAt: z.string().optional().describe(absent("not deleted (REST: null)")),
  })
  .describe("ChatQuote without what is null or false.");

const WireMessageSchema = z
  .object({
    id: z.string(),
    seq: z.number().int().describe("1, 2, 3... within the chat"),
    text: z.string().describe("Empty once deleted"),
    senderId: z.string().optional().describe(absent("the sender deleted their account (REST: null)")),
    attachments: z.array(AttachmentSchema).optional().describe(absent("there are none (REST: [])")),
    createdAt: z
      .string()
      .optional()
      .describe("Left out when `id` is a UUIDv7 made at that instant (every message the room stores): its first 48 bits are the milliseconds since 1970."),
    editedAt: z.string().optional().describe(absent("never edited (REST: null)")),
    deletedAt: z.string().optional().describe(absent("not deleted (REST: null)")),
    reactions: z.array(ReactionSchema).optional().describe(absent("there are none (REST: [])")),
    replyTo: WireQuoteSchema.optional().describe(absent("it answers no message (REST: null)")),
    mentions: z.array(z.string()).optional().describe(absent("it mentions nobody (REST: [])")),
    forwardedFrom: ForwardOriginSchema.optional().describe(absent("it was written in this chat, not forwarded (REST: absent too)")),
    mls: z
      .string()
      .optional()
      .describe(
        "An encrypted chat's message: its MLS PrivateMessage, base64url, which only member devices open (`text` is empty). Left out in a plain chat and once deleted.",
      ),
    relatesTo: MessageRelationSchema.optional().describe(
      "Encrypted chats only: this message is an edit or a reaction (inside `mls`) of the message `id`; fold it into that one. Left out otherwise.",
    ),
  })
  .describe(
    "ChatMessage as the chat socket carries it: without `chatId` (the socket's chat), without `clientId` (`message.ack` carries the sender's beside it), without what is null or empty, `createdAt` only when the id does not say it. The typed client rebuilds the REST shape.",
  );

export const ChatServerFrames = {
  hello: frame(
    "hello",
    { userId: z.string(), lastSeq: z.number().int() },
    "First frame after the socket opens: compare `lastSeq` with the last `seq` you saw and catch up with `GET /v1/chats/:id/messages?after=`.",
  ),
  "message.ack": frame(
    "message.ack",
    { clientId: z.string(), message: WireMessageSchema },
    "To the sending socket: the message is stored (also for a repeated `clientId`). `clientId` is the one the send carried.",
  ),
  "message.new": frame(
    "message.new",
    { message: WireMessageSchema },
    "To every other socket of the chat (the sender's other devices included): a new stored message. A short text's frame is about 160 bytes (docs/socket-protocols.md).",
  ),
  "message.updated": frame(
    "message.updated",
    { message: WireMessageSchema },
    "A message was edited, deleted (soft) or its reactions changed. Replies quoting it show it as it is now: a client updates the quotes it holds (`replyTo.id`).",
  ),
  "message.pinned": frame(
    "message.pinned",
    { pin: z.object({ message: WireMessageSchema, pinnedBy: z.string().nullable(), pinnedAt: z.string() }) },
    "A member pinned a message (POST /v1/chats/{id}/pins).",
  ),
  "message.unpinned": frame("message.unpinned", { id: z.string() }, "A message was unpinned, or deleted while pinned."),
  typing: frame("typing", { userId: z.string() }, "Another member is typing (never stored; in the general chat at most 5 relays a second, whoever types)."),
  read: frame(
    "read",
    { userId: z.string(), seq: z.number().int() },
    "A member's read position moved forward (in the general chat only your own, from your other sockets).",
  ),
  "mls.commit.ack": frame(
    "mls.commit.ack",
    { epoch: z.number().int() },
    "Encrypted chats: the room took your commit; the group is now at `epoch` (apply the commit).",
  ),
  "mls.commit": frame(
    "mls.commit",
    { epoch: z.number().int().describe("The epoch the commit moves the group on from"), commit: z.string().describe("MLSMessage (PublicMessage), base64url") },
    "Encrypted chats: a commit the room ordered, to every other socket; process them in the order they come.",
  ),
  "mls.commits": frame(
    "mls.commits",
    {
      epoch: z.number().int().describe("The group's epoch now (-1: no group yet)"),
      items: z.array(z.object({ epoch: z.number().int(), commit: z.string() })),
    },
    "Answer to `mls.commits`: the commits from `since` on, in order.",
  ),
  "mls.welcomes": frame(
    "mls.welcomes",
    {
      items: z.array(
        z.object({
          id: z.number().int(),
          epoch: z.number().int().describe("The epoch it joins at"),
          welcome: z.string().describe("MLSMessage (Welcome), base64url"),
        }),
      ),
    },
    "Answer to `mls.welcomes`: the Welcomes waiting for this socket's device; acknowledge each with `mls.welcome.ack` once joined.",
  ),
  "mls.welcome.available": frame(
    "mls.welcome.available",
    { deviceIds: z.array(z.string()), epoch: z.number().int() },
    "A commit added these devices of yours: a Welcome waits for each (fetch with `mls.welcomes`).",
  ),
  "mls.device.waiting": frame(
    "mls.device.waiting",
    { userId: z.string(), deviceId: z.string(), epoch: z.number().int().describe("The group's epoch now") },
    "Encrypted chats: a member's device asked for its Welcome, holds no leaf and none waits for it (a new device): a member device in the room adds it with a commit.",
  ),
  pong: Pong,
  error: ErrorFrame(
    {
      clientId: z.string().optional(),
      id: z.string().optional(),
      epoch: z.number().int().optional().describe("`mls_*` refusals: the group's epoch now"),
      deviceIds: z
        .array(z.string())
        .optional()
        .describe("`mls_removal_pending` and `mls_removal_missing`: the devices (of departed members, or ended) whose leaves a commit must remove"),
    },
    `A frame was refused; \`clientId\` or \`id\` names the frame it answers. Codes: \`malformed_frame\`, \`unknown_frame_type\`, \`invalid_frame\`, \`binary_not_supported\`, \`frame_too_large\`, \`rate_limited\`, \`not_a_member\`, \`not_found\`, \`forbidden\`, \`unknown_attachment\`, \`internal_error\`, ${SESSION_ENDED}; in encrypted chats \`mls_chat_encrypted\` (plain text, edits and reactions), \`mls_chat_not_encrypted\`, \`mls_device_missing\`, \`mls_stale_epoch\`, \`mls_not_mls\`, \`mls_wrong_group\`, \`mls_not_a_commit\`, \`mls_sender_mismatch\`, \`mls_proposal_by_reference\`, \`mls_add_not_allowed\`, \`mls_removal_missing\`, \`mls_removal_pending\`, each with the group's \`epoch\`.`,
  ),
};

/** A relayed frame is the sender's frame as validated, plus `from`: the sender's user id. */
const relayed = { from: z.string() };

export const SignallingServerFrames = {
  "call.state": frame("call.state", { call: CallSchema }, "Sent on connect and on every change; a finished call closes the socket (code 4410)."),
  "sdp.offer": SignallingFrames["sdp.offer"]
    .extend(relayed)
    .describe("The other participant's offer, with `from` set to their user id. Held until you connect."),
  "sdp.answer": SignallingFrames["sdp.answer"].extend(relayed).describe("The other participant's answer."),
  "ice.candidate": SignallingFrames["ice.candidate"].extend(relayed).describe("One of the other participant's ICE candidates."),
  pong: Pong,
  error: ErrorFrame(
    {},
    `A frame was refused (\`malformed_frame\`, \`unknown_frame_type\`, \`invalid_frame\`, \`binary_not_supported\`, \`frame_too_large\`, \`rate_limited\`, \`call_over\`, \`peer_buffer_full\`, ${SESSION_ENDED}).`,
  ),
};

export const GroupSignallingServerFrames = {
  "room.state": frame(
    "room.state",
    { call: GroupCallSchema },
    "Sent when you join and on every change (someone joins, leaves or mutes); an ended call closes the socket (code 4410). Whoever joins sends an offer to each participant already in the call.",
  ),
  "sdp.offer": GroupSignallingFrames["sdp.offer"]
    .omit({ to: true })
    .extend(relayed)
    .describe("A participant's offer to you, with `from` set to their user id."),
  "sdp.answer": GroupSignallingFrames["sdp.answer"].omit({ to: true }).extend(relayed).describe("A participant's answer to your offer."),
  "ice.candidate": GroupSignallingFrames["ice.candidate"].omit({ to: true }).extend(relayed).describe("One of a participant's ICE candidates for your pair."),
  ...SfuServerFrames,
  pong: Pong,
  error: ErrorFrame(
    { to: z.string().optional(), id: z.string().optional().describe("The `id` of the `sfu.*` request refused") },
    `A frame was refused (\`malformed_frame\`, \`unknown_frame_type\`, \`invalid_frame\`, \`binary_not_supported\`, \`frame_too_large\`, \`rate_limited\`, \`call_over\`, \`not_in_call\` with \`to\`, \`call_full\`, \`not_a_member\`, ${SESSION_ENDED}). An \`sfu.*\` request refused carries its \`id\`: \`sfu_not_in_use\` (the call is a mesh), \`forbidden\` (not your session, a track not named for you, a track not published in this call), \`invalid_body\`, \`sfu_unavailable\` (the SFU failed; retry).`,
  ),
};

export const SOCKET_PROTOCOLS: SocketProtocol[] = [
  {
    id: "userHub",
    address: "/v1/realtime",
    title: "User hub",
    description: `One socket per device, connected to the user's \`UserHub\`: incoming calls, call state, chat list changes, studio asset status. Closed with ${CLOSE_CODES.session_ended.code} when the session ends.`,
    clientFrames: HubClientFrames,
    serverFrames: HubServerFrames,
  },
  {
    id: "chatRoom",
    address: "/v1/chats/{chatId}/ws",
    title: "Chat room",
    description: `Members only (others: \`404\` before the socket opens). A message is stored before it is acknowledged or broadcast. Closed with ${CLOSE_CODES.not_a_member.code} when you are not (or no longer) a member, ${CLOSE_CODES.chat_deleted.code} when the chat is deleted.`,
    parameters: { chatId: "Id of a chat you are a member of." },
    clientFrames: ChatClientFrames,
    serverFrames: ChatServerFrames,
  },
  {
    id: "callSignalling",
    address: "/v1/calls/{callId}/ws",
    title: "Call signalling",
    description: `The two participants only (anyone else: close code ${CLOSE_CODES.not_a_member.code}). One socket per participant: a second device replaces the first (close code ${CLOSE_CODES.replaced.code}). Offer, answer and candidates sent before the other side connects are held (up to 200) and delivered in order. Closed with ${CLOSE_CODES.call_over.code} when the call ends.`,
    parameters: { callId: "Id of a call you take part in." },
    clientFrames: SignallingFrames,
    serverFrames: SignallingServerFrames,
  },
  {
    id: "groupCall",
    address: "/v1/group-calls/{callId}/ws",
    title: "Group call",
    description: `Members of the call's chat only (others: \`404\` before the socket opens; removed from the chat meanwhile: close code ${CLOSE_CODES.not_a_member.code}). Opening the socket joins the call, closing it (or \`leave\`) leaves; the last one out ends it. At most \`CALL_MESH_MAX_PARTICIPANTS\` people, or \`CALL_MAX_PARTICIPANTS\` when calls can move to the SFU (close code ${CLOSE_CODES.call_full.code}). One socket per participant: a second device replaces the first (close code ${CLOSE_CODES.replaced.code}). \`sdp.offer\`, \`sdp.answer\` and \`ice.candidate\` name their receiver in \`to\` and arrive with \`from\`; nothing is held for someone not in the call. \`media.state\` tells the others whether you send audio and video. When the call's \`topology\` is \`sfu\` (from the start, or once it grew past \`CALL_MESH_MAX_PARTICIPANTS\`, announced in \`room.state\`), media goes through Cloudflare Realtime SFU instead: \`sfu.*\` requests, each with your \`id\` echoed on its answer, open your session, push your tracks and pull others' from \`sfu.published\`. Closed with ${CLOSE_CODES.left.code} after \`leave\`, ${CLOSE_CODES.call_over.code} when the call ends.`,
    parameters: { callId: "Id of a group call on a chat you are a member of." },
    clientFrames: GroupSignallingFrames,
    serverFrames: GroupSignallingServerFrames,
  },
];

/** Push notifications (docs/notifications.md): what a device's service worker or app receives. */
export const DELIVERED_CHANNELS: DeliveredChannel[] = [
  {
    id: "push",
    title: "Push notifications",
    description:
      "Delivered through Web Push (the body decrypted by the browser and handed to the service worker's `push` event) or FCM (`data`, every value a string). Devices are registered with `POST /v1/me/devices` and belong to the session that registered them.",
    messages: PUSH_PAYLOADS,
  },
];

export const ASYNCAPI_INFO: AsyncApiInfo = {
  title: `${PRODUCT_NAME} WebSockets`,
  version: "1.0.0",
  description: `Every socket speaks JSON text frames with a \`type\`. Unknown types, malformed JSON, invalid fields and binary frames are answered with an \`error\` frame and the socket stays open. Each frame type has a per-user rate limit (\`error\` with \`rate_limited\` and \`retryAfter\`). When the socket's session ends (logout, revocation, disabled account) the socket gets \`error\` \`session_ended\` and is closed with ${CLOSE_CODES.session_ended.code}. Close codes: ${Object.values(
    CLOSE_CODES,
  )
    .map(({ code, meaning }) => `${code} ${meaning}`)
    .join("; ")}.`,
};
