import { type Connection, type ConnectionContext, Server } from "partyserver";
import type { Principal } from "../shared/identity/sessions/principal";
import { resolveAttachments } from "../shared/chat/attachments";
import { type ChatRow, isMember, markChatRead, toChat } from "../shared/chat/chats";
import { ChatClientFrames } from "../shared/chat/frames";
import { MessageLog } from "../shared/chat/message-log";
import { MAX_CHAT_FRAME_CHARS, type Message, type MessagePage, type MessagePageQuery, type RoomFailure, type RoomResult, type Sender } from "../shared/chat/model";
import { clock } from "../shared/clock";
import type { Env } from "../shared/env";
import { newId } from "../shared/ids";
import { parseRateLimit, type RateLimit, slidingWindow } from "../shared/rate-limits";
import { type FrameOf, parseFrame } from "../shared/realtime/frames";
import { principalFromUpgrade } from "../shared/realtime/upgrade";

type RoomConnection = Connection<Principal>;
type ChatClientFrame = FrameOf<typeof ChatClientFrames>;

const MESSAGE_RATE_DEFAULT: RateLimit = { limit: 10, windowSeconds: 1 };
const SYNC_RETRY_MS = 5_000;
/** Least time between two D1 syncs of one busy room: bounds D1 writes and hub notifications to ~4/s per room. */
const SYNC_INTERVAL_MS = 250;
const SYNCED_SEQ = "synced_seq";

const userTag = (userId: string) => `user:${userId}`;
const fail = (status: RoomFailure["status"], code: string, detail: string, retryAfterSeconds?: number): RoomFailure => ({
  ok: false,
  status,
  code,
  detail,
  retryAfterSeconds,
});

function errorFrameFor(failure: { code: string; detail: string }, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: "error", code: failure.code, detail: failure.detail, ...extra });
}

/**
 * One per chat (name = chat id): the message log in its own SQLite, the members' sockets
 * (hibernating), ordering and fan-out. The Worker checks membership in D1 before it forwards
 * an upgrade or calls a method; every frame is checked again here against a per-user cache
 * the Worker invalidates through `membershipChanged` whenever members change.
 */
export class ChatRoom extends Server<Env> {
  static override options = { hibernate: true };

  #log: MessageLog | undefined;
  private readonly members = new Map<string, boolean>();
  /** Send times per user in the current window: the per-user, per-room message limit. */
  private readonly sendTimes = new Map<string, number[]>();
  /** Read positions of senders (a sender has read their own message), flushed with the chat summary. */
  private readonly pendingReads = new Map<string, number>();
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private notifiedSeq = 0;

  private get log(): MessageLog {
    if (!this.#log) {
      this.#log = new MessageLog(this.ctx.storage.sql, this.name);
      this.notifiedSeq = this.#log.lastSeq;
      // A message stored before an eviction that cut the D1 sync short is synced on wake.
      if (this.#log.getState(SYNCED_SEQ) < this.#log.lastSeq) this.queueChatListSync();
    }
    return this.#log;
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [userTag(principal.userId)] : [];
  }

  override async onConnect(connection: RoomConnection, context: ConnectionContext): Promise<void> {
    // The Worker authenticated the upgrade and checked membership; this is the second line.
    const principal = principalFromUpgrade(context.request);
    if (!principal || !(await this.isMember(principal.userId))) {
      connection.send(errorFrameFor({ code: "not_a_member", detail: "You are not a member of this chat" }));
      connection.close(1008, "not a member");
      return;
    }
    connection.setState(principal);
    connection.send(JSON.stringify({ type: "hello", chatId: this.name, userId: principal.userId, lastSeq: this.log.lastSeq }));
  }

  override async onMessage(connection: RoomConnection, message: string | ArrayBuffer): Promise<void> {
    const principal = connection.state;
    if (!principal) {
      connection.close(1008, "not authenticated");
      return;
    }
    const parsed = parseFrame(message, ChatClientFrames, MAX_CHAT_FRAME_CHARS);
    if (!parsed.ok) {
      connection.send(errorFrameFor(parsed));
      return;
    }
    if (!(await this.isMember(principal.userId))) {
      connection.send(errorFrameFor({ code: "not_a_member", detail: "You are no longer a member of this chat" }));
      connection.close(4003, "not a member");
      return;
    }
    try {
      await this.handleFrame(connection, principal, parsed.frame);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "chat frame failed", chatId: this.name, error: String(error) }));
      connection.send(errorFrameFor({ code: "internal_error", detail: "The frame could not be processed; retry it" }));
    }
  }

  private async handleFrame(connection: RoomConnection, principal: Principal, frame: ChatClientFrame): Promise<void> {
    switch (frame.type) {
      case "ping":
        connection.send(JSON.stringify({ type: "pong" }));
        return;
      case "typing":
        this.sendToOthers(principal.userId, JSON.stringify({ type: "typing", userId: principal.userId }));
        return;
      case "message.send": {
        const result = await this.storeMessage(principal, frame, connection);
        if (!result.ok) connection.send(errorFrameFor(result, { clientId: frame.clientId }));
        return;
      }
      case "read": {
        const result = await this.markRead(principal.userId, frame.seq, connection.id);
        if (!result.ok) connection.send(errorFrameFor(result));
        return;
      }
      case "message.edit": {
        const result = this.editMessage(principal, frame.id, frame.text);
        if (!result.ok) connection.send(errorFrameFor(result, { id: frame.id }));
        return;
      }
      case "message.delete": {
        const result = this.deleteMessage(principal, frame.id);
        if (!result.ok) connection.send(errorFrameFor(result, { id: frame.id }));
        return;
      }
      case "reaction": {
        const result = this.react(principal, frame.id, frame.emoji, !frame.remove);
        if (!result.ok) connection.send(errorFrameFor(result, { id: frame.id }));
        return;
      }
    }
  }

  /** RPC for `POST /v1/chats/:id/messages`: the Worker checked membership; every socket gets `message.new`. */
  async postMessage(sender: Sender, input: { clientId: string; text: string; attachments?: string[] }): Promise<RoomResult<{ message: Message; created: boolean }>> {
    return this.storeMessage({ userId: sender.userId, role: sender.role }, input);
  }

  /**
   * Stores a message, then acknowledges and broadcasts it. The same (sender, clientId) again
   * returns the stored message without a second copy or broadcast. `origin` is the sending
   * socket (it gets `message.ack`; everyone else `message.new`).
   */
  private async storeMessage(
    sender: Sender,
    input: { clientId: string; text: string; attachments?: string[] },
    origin?: RoomConnection,
  ): Promise<RoomResult<{ message: Message; created: boolean }>> {
    const existing = this.log.findByClientId(sender.userId, input.clientId);
    if (existing) {
      origin?.send(JSON.stringify({ type: "message.ack", clientId: input.clientId, message: existing }));
      return { ok: true, value: { message: existing, created: false } };
    }
    const limited = this.takeSendSlot(sender.userId);
    if (limited) return limited;
    let attachments: Message["attachments"] = [];
    if (input.attachments && input.attachments.length > 0) {
      const resolved = await resolveAttachments(this.env, input.attachments);
      if (!resolved.ok) return resolved;
      attachments = resolved.value;
      // Another copy of this send may have been stored while the files were looked up.
      const raced = this.log.findByClientId(sender.userId, input.clientId);
      if (raced) return { ok: true, value: { message: raced, created: false } };
    }
    const now = clock.now();
    const message = this.log.append({ id: newId(now), senderId: sender.userId, clientId: input.clientId, text: input.text, attachments, now });
    // Storage writes are confirmed before these frames leave (output gate): stored before acknowledged.
    origin?.send(JSON.stringify({ type: "message.ack", clientId: input.clientId, message }));
    this.fanOut(JSON.stringify({ type: "message.new", message }), origin);
    this.pendingReads.set(sender.userId, Math.max(this.pendingReads.get(sender.userId) ?? 0, message.seq));
    this.queueChatListSync();
    return { ok: true, value: { message, created: true } };
  }

  listMessages(query: MessagePageQuery): RoomResult<MessagePage> {
    return { ok: true, value: this.log.page(query) };
  }

  async markRead(userId: string, seq: number, originId?: string): Promise<RoomResult<{ seq: number }>> {
    if (seq > this.log.lastSeq) return fail(400, "invalid_seq", `seq ${seq} is past the newest message (${this.log.lastSeq})`);
    await markChatRead(this.env, this.name, userId, seq);
    this.fanOut(JSON.stringify({ type: "read", userId, seq }), originId ? this.getConnection(originId) : undefined);
    return { ok: true, value: { seq } };
  }

  editMessage(actor: Sender, id: string, text: string): RoomResult<Message> {
    const message = this.log.findById(id);
    if (!message) return fail(404, "message_not_found", "No such message in this chat");
    if (message.senderId !== actor.userId) return fail(403, "not_message_sender", "Only the sender edits a message");
    if (message.deletedAt) return fail(409, "message_deleted", "A deleted message cannot be edited");
    const edited = this.log.edit(id, text, clock.now())!;
    this.broadcastUpdate(edited);
    return { ok: true, value: edited };
  }

  deleteMessage(actor: Sender, id: string): RoomResult<Message> {
    const message = this.log.findById(id);
    if (!message) return fail(404, "message_not_found", "No such message in this chat");
    const moderates = actor.role === "moderator" || actor.role === "admin";
    if (message.senderId !== actor.userId && !moderates) return fail(403, "not_message_sender", "Only the sender or a moderator deletes a message");
    if (message.deletedAt) return { ok: true, value: message };
    const deleted = this.log.softDelete(id, clock.now())!;
    this.broadcastUpdate(deleted);
    return { ok: true, value: deleted };
  }

  react(actor: Sender, id: string, emoji: string, add: boolean): RoomResult<Message> {
    const message = this.log.findById(id);
    if (!message) return fail(404, "message_not_found", "No such message in this chat");
    if (message.deletedAt) return fail(409, "message_deleted", "A deleted message takes no reactions");
    this.log.react(message.seq, actor.userId, emoji, add, clock.now());
    const updated = this.log.findById(id)!;
    this.fanOut(JSON.stringify({ type: "message.updated", message: updated }));
    return { ok: true, value: updated };
  }

  /** Called by the Worker after members changed in D1: forget cached answers, close sockets of those who left. */
  async membershipChanged(userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      this.members.delete(userId);
      if (await this.isMember(userId)) continue;
      for (const connection of this.getConnections(userTag(userId))) {
        connection.send(errorFrameFor({ code: "not_a_member", detail: "You are no longer a member of this chat" }));
        connection.close(4003, "not a member");
      }
    }
  }

  /** The chat was deleted: close every socket and drop the log. */
  async closeChat(): Promise<void> {
    for (const connection of this.getConnections()) connection.close(4004, "chat deleted");
    this.members.clear();
    this.pendingReads.clear();
    this.#log = undefined;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  messagesBySender(userId: string): Message[] {
    return this.log.bySender(userId);
  }

  anonymiseSender(userId: string): number {
    for (const connection of this.getConnections(userTag(userId))) connection.close(4003, "account deleted");
    this.members.delete(userId);
    return this.log.anonymiseSender(userId);
  }

  override async onAlarm(): Promise<void> {
    this.queueChatListSync();
    await this.syncing;
  }

  private broadcastUpdate(message: Message): void {
    this.fanOut(JSON.stringify({ type: "message.updated", message }));
    if (message.seq === this.log.lastSeq) this.queueChatListSync();
  }

  private sendToOthers(userId: string, text: string): void {
    const own = new Set<WebSocket>(this.ctx.getWebSockets(userTag(userId)));
    this.fanOut(text, (ws) => own.has(ws));
  }

  /**
   * Sends one frame to every open socket of the room except `skip`. Straight over the
   * hibernation API: partyserver's broadcast deserializes every socket's attachment per
   * frame, which dominated the cost of a message in a busy room.
   */
  private fanOut(text: string, skip?: WebSocket | ((ws: WebSocket) => boolean)): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.READY_STATE_OPEN) continue;
      if (skip && (typeof skip === "function" ? skip(ws) : ws === skip)) continue;
      try {
        ws.send(text);
      } catch {
        // a socket closing mid-broadcast is not the sender's failure
      }
    }
  }

  private async isMember(userId: string): Promise<boolean> {
    const cached = this.members.get(userId);
    if (cached !== undefined) return cached;
    const member = await isMember(this.env, this.name, userId);
    this.members.set(userId, member);
    return member;
  }

  private takeSendSlot(userId: string): RoomFailure | null {
    const { limit, windowSeconds } = parseRateLimit(this.env.RATE_LIMIT_CHAT_MESSAGES, MESSAGE_RATE_DEFAULT);
    const now = clock.now();
    const { live, decision } = slidingWindow(this.sendTimes.get(userId) ?? [], limit, windowSeconds * 1000, now);
    this.sendTimes.set(userId, live);
    if (!decision.allowed) return fail(429, "rate_limited", `At most ${limit} messages per ${windowSeconds} s in one chat`, decision.retryAfterSeconds);
    live.push(now);
    return null;
  }

  /**
   * Keeps the D1 chat list current without putting D1 on the send path: at most one sync runs
   * per room, the first right after a message, then at most one per SYNC_INTERVAL_MS while
   * messages keep coming, each folding in everything stored meanwhile.
   */
  private queueChatListSync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.runChatListSync();
    this.ctx.waitUntil(this.syncing);
  }

  private async runChatListSync(): Promise<void> {
    try {
      do {
        this.syncAgain = false;
        await this.syncChatList();
        // Under a burst, wait a little so the next sync folds in many messages.
        if (this.syncAgain) await new Promise((resolve) => setTimeout(resolve, SYNC_INTERVAL_MS));
      } while (this.syncAgain);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "chat list sync failed", chatId: this.name, error: String(error) }));
      await this.ctx.storage.setAlarm(Date.now() + SYNC_RETRY_MS);
    } finally {
      this.syncing = null;
    }
  }

  private async syncChatList(): Promise<void> {
    if (!this.#log) return;
    const last = this.#log.lastMessage();
    if (!last) return;
    const reads = [...this.pendingReads];
    const notify = last.seq > this.notifiedSeq;
    const db = this.env.DB;
    const statements: D1PreparedStatement[] = [
      db
        .prepare("UPDATE chats SET last_message_seq = ?1, last_message = ?2, updated_at = MAX(updated_at, ?3) WHERE id = ?4 AND last_message_seq <= ?1")
        .bind(last.seq, JSON.stringify(last), Date.parse(last.createdAt), this.name),
      ...reads.map(([userId, seq]) =>
        db.prepare("UPDATE chat_members SET read_seq = MAX(read_seq, ?) WHERE chat_id = ? AND user_id = ?").bind(seq, this.name, userId),
      ),
    ];
    if (notify) {
      statements.push(
        db.prepare("SELECT * FROM chats WHERE id = ?").bind(this.name),
        db.prepare("SELECT user_id, read_seq FROM chat_members WHERE chat_id = ? ORDER BY joined_at, user_id").bind(this.name),
      );
    }
    const results = await db.batch(statements);
    for (const [userId, seq] of reads) if (this.pendingReads.get(userId) === seq) this.pendingReads.delete(userId);
    this.#log?.setState(SYNCED_SEQ, last.seq);
    if (!notify) return;
    this.notifiedSeq = last.seq;
    const chatRow = results[results.length - 2]?.results[0] as ChatRow | undefined;
    const members = (results[results.length - 1]?.results ?? []) as { user_id: string; read_seq: number }[];
    if (!chatRow) return;
    const connected = new Set<string>();
    for (const connection of this.getConnections<Principal>()) if (connection.state) connected.add(connection.state.userId);
    const memberIds = members.map((m) => m.user_id);
    await Promise.allSettled(
      members
        .filter((m) => !connected.has(m.user_id))
        .map((m) => this.env.USER_HUB.getByName(m.user_id).notify({ type: "chat.updated", chat: toChat(chatRow, memberIds, m.read_seq) })),
    );
  }
}
