import { z } from "@hono/zod-openapi";
import {
  addMembers,
  createDirectChat,
  createGroupChat,
  deleteChat,
  getChat,
  listChatMembers,
  listChats,
  removeMember,
  renameGroup,
  chatSocketHome,
  requireMembership,
  requirePlainChat,
} from "../../../shared/chat/chats";
import { turnOnEncryption } from "../../../shared/chat/encryption";
import { forwardMessage } from "../../../shared/chat/forward";
import { ClientId, MAX_PINS, MessageActionFields, MessageId } from "../../../shared/chat/message-rules";
import { ChatMemberSchema, ChatSchema, MessageSchema, PersonSchema, PinSchema } from "../../../shared/chat/schemas";
import { peopleOf } from "../../../shared/chat/people";
import { unwrap } from "../../../shared/platform/refusal-error";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { decodeCursor, encodeCursor, PageQuery } from "../../../shared/http/pagination";
import { createRouter } from "../context";
import { authedRoute, upgradeRoute, upgradeSessionSocket } from "../middleware/auth";
import { TicketQuery } from "./realtime";

const tags = ["chat"];
const UserId = z.string().min(1).max(64);

const ChatPage = z.object({ items: z.array(ChatSchema), nextCursor: z.string().nullable() }).openapi("ChatPage");
const MessagePage = z
  .object({
    items: z.array(MessageSchema),
    nextCursor: z.string().nullable(),
    people: z.array(PersonSchema).openapi({
      description:
        "The people the page's messages name (senders, quoted senders, mentioned members), each once: names and pictures, so a client needs no request per person",
    }),
  })
  .openapi("ChatMessagePage");

const EncryptedFlag = z.boolean().optional().openapi({
  description: "End-to-end encrypted with MLS (docs/e2ee.md); unset: E2EE_ENCRYPTED_CHATS_DEFAULT. A direct chat that exists already keeps its own.",
});

const CreateChatBody = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("direct"), userId: UserId, encrypted: EncryptedFlag }),
    z.object({ type: z.literal("group"), title: z.string().trim().min(1).max(120), memberIds: z.array(UserId).max(1000), encrypted: EncryptedFlag }),
  ])
  .openapi("CreateChatRequest");

const MessagesQuery = PageQuery.extend({
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ param: { name: "before", in: "query" }, description: "Messages with a smaller seq, newest first" }),
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ param: { name: "after", in: "query" }, description: "Messages with a larger seq, oldest first (catch-up)" }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Full-text search, newest first" }),
})
  .refine((q) => [q.before, q.after, q.cursor].filter((v) => v !== undefined).length <= 1, "Use one of before, after and cursor")
  .refine((q) => q.q === undefined || q.after === undefined, "Search pages newest first: use before, not after");

const MessagesCursor = z.object({ d: z.enum(["asc", "desc"]), s: z.number().int(), q: z.string().optional() });

const PostMessageBody = z.object(MessageActionFields.send).openapi("PostMessageRequest");
const ReadBody = z.object(MessageActionFields.read).openapi("MarkReadRequest");
const RenameBody = z
  .object({ title: z.string().trim().min(1).max(120) })
  .strict()
  .openapi("RenameChatRequest");
const MembersBody = z.object({ userIds: z.array(UserId).min(1).max(1000) }).openapi("AddMembersRequest");
const MemberParams = IdParam.extend({ userId: UserId.openapi({ param: { name: "userId", in: "path" } }) });
const MessageParams = IdParam.extend({ messageId: MessageId.openapi({ param: { name: "messageId", in: "path" } }) });
const EditBody = z.object(MessageActionFields.edit).openapi("EditMessageRequest");
const ForwardBody = z
  .object({ toChatId: z.string().min(1).max(64).openapi({ description: "The chat to forward to; you must be a member" }), clientId: ClientId })
  .strict()
  .openapi("ForwardMessageRequest");
const ReactionBody = z.object(MessageActionFields.reaction).openapi("ReactionRequest");
const PinBody = z.object({ messageId: MessageId }).openapi("PinRequest");
const PinList = z
  .object({
    items: z.array(PinSchema),
    people: z.array(PersonSchema).openapi({ description: "The senders of the pinned messages and who pinned them, each once" }),
  })
  .openapi("ChatPinList");

/** Who a message names: its sender, whom it quotes and whom it mentions (a page's `people`). */
const peopleNamedBy = (message: z.infer<typeof MessageSchema>): string[] => [
  ...(message.senderId ? [message.senderId] : []),
  ...(message.replyTo?.senderId ? [message.replyTo.senderId] : []),
  ...message.mentions,
  ...(message.forwardedFrom?.senderId ? [message.forwardedFrom.senderId] : []),
];

export const chatRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The caller's chats, most recently active first, with unread counts",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(ChatPage, "A page of chats"), ...problemResponses(400, 401) },
    }),
    async (c) => c.json(await listChats(c.get("deps"), c.get("principal").userId, c.req.valid("query")), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Open a direct chat (idempotent per pair) or create a group",
      request: { body: jsonBody(CreateChatBody) },
      responses: {
        200: jsonResponse(ChatSchema, "The direct chat with this user already existed"),
        201: jsonResponse(ChatSchema, "Chat created"),
        ...problemResponses(400, 401, 409, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const userId = c.get("principal").userId;
      if (body.type === "direct") {
        const { chat, created } = await createDirectChat(c.get("deps"), userId, body.userId, body.encrypted);
        return c.json(chat, created ? 201 : 200);
      }
      return c.json(await createGroupChat(c.get("deps"), userId, body.title, body.memberIds, body.encrypted), 201);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One chat (members only)",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ChatSchema, "The chat"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await getChat(c.get("deps"), c.req.valid("param").id, c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Rename a group (owner only)",
      request: { params: IdParam, body: jsonBody(RenameBody) },
      responses: { 200: jsonResponse(ChatSchema, "The renamed chat"), ...problemResponses(400, 401, 403, 404, 415) },
    }),
    async (c) => c.json(await renameGroup(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").title), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a chat (a group by its owner, a direct chat by either side; never the general chat)",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await deleteChat(c.get("deps"), c.get("principal"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/encryption",
      tags,
      summary: "Turn on end-to-end encryption for an existing chat (for good)",
      description:
        "A direct chat by either member, a group by its owner; never the general chat (`403 general_chat_protected`). Earlier messages stay exactly as they were (readable by the members and the server); from the answer on the room takes only MLS messages (`mls.send`), plain text is refused with `mls_chat_encrypted`. The answer's `encryptedFrom` says from which seq and when. Already encrypted: `409 chat_already_encrypted` (docs/e2ee.md, \"An existing chat converts\").",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ChatSchema, "The chat, now encrypted"), ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await turnOnEncryption(c.get("deps"), c.get("principal"), c.req.valid("param").id), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/members",
      tags,
      summary: "Add members to a group (owner only)",
      request: { params: IdParam, body: jsonBody(MembersBody) },
      responses: { 200: jsonResponse(ChatSchema, "The chat with its new members"), ...problemResponses(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => c.json(await addMembers(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json").userIds), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/members",
      tags,
      summary: "The chat's members, a page at a time (members only)",
      description:
        "In joining order. The general chat (every account) sends only `memberCount`; its members are listed here only in an invite-only deployment (`REGISTRATION_MODE=invite`) and to admins, otherwise `403 general_members_hidden`, so a stranger who registers cannot enumerate every user.",
      request: { params: IdParam, query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ items: z.array(ChatMemberSchema), nextCursor: z.string().nullable() }), "Members"),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listChatMembers(c.get("deps"), c.req.valid("param").id, c.get("principal"), { limit, cursor }), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}/members/{userId}",
      tags,
      summary: "Remove a member from a group (owner), or leave it (yourself)",
      request: { params: MemberParams },
      responses: { 204: { description: "Removed" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      await removeMember(c.get("deps"), c.get("principal"), id, userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/messages",
      tags,
      summary: "Message history: newest first (`before`, `q`) or oldest first after a seq (`after`, catch-up)",
      request: { params: IdParam, query: MessagesQuery },
      responses: { 200: jsonResponse(MessagePage, "A page of messages"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const query = c.req.valid("query");
      await requireMembership(c.get("deps"), id, c.get("principal").userId);
      const cursor = decodeCursor(query.cursor, MessagesCursor);
      const q = cursor ? cursor.q : query.q;
      const before = cursor ? (cursor.d === "desc" ? cursor.s : undefined) : query.before;
      const after = cursor ? (cursor.d === "asc" ? cursor.s : undefined) : query.after;
      const page = unwrap(await c.get("deps").objects.chatRoom(id).listMessages({ limit: query.limit, before, after, q }));
      const nextCursor = page.next ? encodeCursor({ d: page.next.direction, s: page.next.seq, q }) : null;
      const people = await peopleOf(c.get("deps"), page.items.flatMap(peopleNamedBy));
      return c.json({ items: page.items, nextCursor, people: [...people.values()] }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/messages",
      tags,
      summary: "Send a message; the same clientId again returns the first message",
      request: { params: IdParam, body: jsonBody(PostMessageBody) },
      responses: {
        200: jsonResponse(MessageSchema, "Already sent with this clientId: the stored message"),
        201: jsonResponse(MessageSchema, "Stored and delivered"),
        ...problemResponses(400, 401, 404, 409, 415, 429),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const principal = c.get("principal");
      requirePlainChat(await requireMembership(c.get("deps"), id, principal.userId));
      const result = unwrap(await c.get("deps").objects.chatRoom(id).postMessage({ userId: principal.userId, role: principal.role }, c.req.valid("json")));
      return c.json(result.message, result.created ? 201 : 200);
    },
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/{id}/messages/{messageId}",
      tags,
      summary: "Edit your message",
      request: { params: MessageParams, body: jsonBody(EditBody) },
      responses: { 200: jsonResponse(MessageSchema, "The edited message"), ...problemResponses(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const principal = c.get("principal");
      requirePlainChat(await requireMembership(c.get("deps"), id, principal.userId));
      const sender = { userId: principal.userId, role: principal.role };
      return c.json(unwrap(await c.get("deps").objects.chatRoom(id).editMessage(sender, messageId, c.req.valid("json").text)), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}/messages/{messageId}",
      tags,
      summary: "Delete a message (soft: the sender, or a moderator)",
      description:
        "Text and attachments are cleared. A file no other live message of the chat carries is no longer readable by the chat's members (its owner keeps it).",
      request: { params: MessageParams },
      responses: { 200: jsonResponse(MessageSchema, "The deleted message"), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const principal = c.get("principal");
      await requireMembership(c.get("deps"), id, principal.userId);
      const sender = { userId: principal.userId, role: principal.role };
      return c.json(unwrap(await c.get("deps").objects.chatRoom(id).deleteMessage(sender, messageId)), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/messages/{messageId}/forward",
      tags,
      summary: "Forward a message to another chat you belong to",
      description:
        "The copy in `toChatId` has the original's text and files (by reference) and `forwardedFrom` (the original's sender and chat; a forward of a forward keeps the first). You must be a member of both chats (`404` otherwise) and the original live (`409 message_deleted`). The same `clientId` again returns the first copy. Every socket of the target chat gets `message.new`.",
      request: { params: MessageParams, body: jsonBody(ForwardBody) },
      responses: {
        200: jsonResponse(MessageSchema, "Already forwarded with this clientId: the stored copy"),
        201: jsonResponse(MessageSchema, "The forwarded copy, stored and delivered"),
        ...problemResponses(400, 401, 404, 409, 415, 429),
      },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const stored = await forwardMessage(c.get("deps"), c.get("principal"), id, messageId, c.req.valid("json"));
      return c.json(stored.message, stored.created ? 201 : 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/messages/{messageId}/reactions",
      tags,
      summary: "Add (or with remove: true, take back) your reaction; one per user per emoji",
      request: { params: MessageParams, body: jsonBody(ReactionBody) },
      responses: { 200: jsonResponse(MessageSchema, "The message with its reactions"), ...problemResponses(400, 401, 404, 409, 415) },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const principal = c.get("principal");
      requirePlainChat(await requireMembership(c.get("deps"), id, principal.userId));
      const { emoji, remove } = c.req.valid("json");
      const sender = { userId: principal.userId, role: principal.role };
      return c.json(unwrap(await c.get("deps").objects.chatRoom(id).react(sender, messageId, emoji, !remove)), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/{id}/pins",
      tags,
      summary: "The chat's pinned messages, most recently pinned first",
      request: { params: IdParam },
      responses: { 200: jsonResponse(PinList, "The pinned messages"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireMembership(c.get("deps"), id, c.get("principal").userId);
      const items = await c.get("deps").objects.chatRoom(id).listPins();
      const people = await peopleOf(
        c.get("deps"),
        items.flatMap((pin) => [...peopleNamedBy(pin.message), ...(pin.pinnedBy ? [pin.pinnedBy] : [])]),
      );
      return c.json({ items, people: [...people.values()] }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/pins",
      tags,
      summary: "Pin a message for every member (any member; in the general chat, moderators)",
      description: `Every socket of the chat gets \`message.pinned\`. Pinning a pinned message returns its pin. At most ${MAX_PINS} pins per chat.`,
      request: { params: IdParam, body: jsonBody(PinBody) },
      responses: { 200: jsonResponse(PinSchema, "The pin"), ...problemResponses(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const principal = c.get("principal");
      await requireMembership(c.get("deps"), id, principal.userId);
      const sender = { userId: principal.userId, role: principal.role };
      return c.json(unwrap(await c.get("deps").objects.chatRoom(id).pinMessage(sender, c.req.valid("json").messageId)), 200);
    },
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/{id}/pins/{messageId}",
      tags,
      summary: "Unpin a message (whoever may pin)",
      description: "Every socket of the chat gets `message.unpinned`. Deleting a message unpins it too.",
      request: { params: MessageParams },
      responses: { 204: { description: "Unpinned" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const principal = c.get("principal");
      await requireMembership(c.get("deps"), id, principal.userId);
      const sender = { userId: principal.userId, role: principal.role };
      unwrap(await c.get("deps").objects.chatRoom(id).unpinMessage(sender, messageId));
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/{id}/read",
      tags,
      summary: "Mark messages up to seq as read",
      request: { params: IdParam, body: jsonBody(ReadBody) },
      responses: { 204: { description: "Read position stored" }, ...problemResponses(400, 401, 404, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const userId = c.get("principal").userId;
      await requireMembership(c.get("deps"), id, userId);
      unwrap(await c.get("deps").objects.chatRoom(id).markRead(userId, c.req.valid("json").seq));
      return c.body(null, 204);
    },
  )
  .openapi(
    upgradeRoute({
      method: "get",
      path: "/{id}/ws",
      tags,
      summary: "The chat's live socket (WebSocket upgrade, members only)",
      description:
        "Upgrade with `Authorization: Bearer` or `?ticket=`. Client frames: `message.send`, `typing`, `read`, `message.edit`, `message.delete`, `reaction`, `ping`. Server frames: `hello`, `message.ack`, `message.new`, `message.updated`, `typing`, `read`, `pong`, `error`.",
      request: { params: IdParam, query: TicketQuery },
      responses: { 101: { description: "Switching protocols" }, ...problemResponses(400, 401, 404, 426) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const deps = c.get("deps");
      return upgradeSessionSocket(deps, c.req.raw, { kind: "chat", id }, (principal) => chatSocketHome(deps, id, principal.userId));
    },
  );
