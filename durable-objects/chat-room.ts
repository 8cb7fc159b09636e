import { durableState } from "../shared/platform/durable-state-export";
import type { DurableStateReply, DurableStateRequest } from "../shared/platform/durable-state-rpc";
import type { Connection, ConnectionContext } from "partyserver";
import { SocketServer } from "../shared/realtime/socket-server";
import { depsFor } from "../workers/realtime/composition";
import type { Principal } from "../shared/identity/sessions/principal";
import { sessionStanding } from "../shared/identity/sessions/standing";
import { releaseDeletedAttachments, resolveAttachments, resolveForwardedAttachments, SendingFiles } from "../shared/chat/attachments";
import { ChatListSync, type ChatListSyncHost } from "../shared/chat/chat-list-sync";
import { CoalescedTask } from "../shared/chat/coalesced-task";
import { EncryptedFrames } from "../shared/chat/encrypted-frames";
import { isMember, markChatRead } from "../shared/chat/chats";
import { CHAT_FRAME_BUDGET, type ChatClientFrame, type ChatFrameBudget, parseChatFrame } from "../shared/chat/frames";
import { MemberCache } from "../shared/chat/member-cache";
import { storedMessageFrames, wireMessage, wirePin } from "../shared/chat/message-frame";
import { MessageLog } from "../shared/chat/message-log";
import {
  type ForwardedMessage,
  MAX_PINS,
  mayDelete,
  mayEdit,
  mayForward,
  mayPin,
  mayReact,
  mayRelateTo,
  mayReplyTo,
  type NewMessage,
  readPositionRefusal,
} from "../shared/chat/message-rules";
import { SendLimit } from "../shared/chat/send-limit";
import { mayHaveFanoutShards } from "../shared/chat/fanout";
import { FanoutShards, ShardSocket } from "../shared/chat/fanout-shards";
import type { ChatRoomRpc, StoredMessage } from "../shared/chat/chat-room-rpc";
import { GENERAL_CHAT_ID, type Message, type MessagePage, type MessagePageQuery, type Pin, type Sender } from "../shared/chat/model";
import { type Refusal, type Result, refusal } from "../shared/platform/result";
import { newId } from "../shared/ids";
import type { PushFanoutJob } from "../shared/push/events";
import { type CloseReason, closeSocket, errorFrame, type FrameErrorCode, SocketGuard } from "../shared/realtime/socket-kit";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import { FrameBudget } from "../shared/realtime/frame-budget";
import { logEvent } from "../shared/observability/log";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod } from "../shared/observability/traced-stub";
import { metrics, scheduleMetricsFlush } from "../shared/observability/metrics";

type RoomConnection = Connection<Principal>;
/** Where a frame came from and where its answers go: a socket of this room, or one of a fan-out shard's. */
type FrameOrigin = RoomConnection | ShardSocket;
type StoreResult = Result<StoredMessage>;

/** A send that passed its checks (limit slot taken, attachments resolved), ready to store. */
interface AdmittedSend {
  sender: Sender;
  clientId: string;
  text: string;
  attachments: Message["attachments"];
  /** The message this one answers (checked to be live in this chat). */
  replyTo: Message | null;
  /** The members it mentions (checked to be members, the sender left out). */
  mentions: string[];
  /** A forwarded message's origin. */
  forwardedFrom?: Message["forwardedFrom"];
  /** The sending socket (it gets `message.ack`; everyone else `message.new`); none for REST. */
  origin?: FrameOrigin;
  /** An encrypted chat's message: its MLS ciphertext (base64url), `text` empty. */
  mls?: string;
  /** An encrypted edit or reaction: the message it changes (checked live here). */
  relatesTo?: Message["relatesTo"];
}

const SYNCED_SEQ = "synced_seq";
/**
 * `typing` relays a room with fan-out shards sends per second, whoever types: each goes to every
 * socket, so in a room of thousands a few people typing would cost more than the messages. Past
 * it a `typing` frame is not relayed (typing is a hint, never stored; the typist is not refused).
 */
const ROOM_OF_THOUSANDS_TYPING_RELAYS = { typing: { limit: 5, windowSeconds: 1 } };
/**
 * Most connected members a push job lists (36-character ids: about 40 KB, well under a queue
 * message's 128 KB); past it the job lists none and the push fan-out asks the room instead.
 */
const PUSH_JOB_CONNECTED_MAX = 1_000;
/**
 * A socket send arriving at least this long after the last one stored at once is stored at once
 * too (in its own turn, its own commit); closer together, sends wait for the group commit's next
 * turn and share one commit. Time in workerd moves only between I/O events, so sends delivered
 * in one burst see the same instant.
 */
const BURST_GAP_MS = 2;
/** The search index lags the log by at most this long (a search itself never lags: it indexes first). */
const SEARCH_INDEX_DELAY_MS = 1_000;

const userTag = (userId: string) => `user:${userId}`;
const sessionTag = (sessionId: string) => `session:${sessionId}`;

/**
 * A socket closed or closing (its close event has not reached the room yet) refuses the frame:
 * not the sender's failure, and cheaper than asking every socket its readyState.
 */
function sendQuietly(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // closed or closing
  }
}

function errorFrameFor(failure: Pick<Refusal, "code" | "detail"> | { code: FrameErrorCode; detail: string }, extra: Record<string, unknown> = {}): string {
  return errorFrame(failure.code, failure.detail, extra);
}

/**
 * One per chat (name = chat id): the message log in its own SQLite, the members' sockets
 * (hibernating), ordering and fan-out. The Worker checks membership in D1 before it forwards
 * an upgrade or calls a method; every frame is checked again here against a per-user cache
 * the Worker invalidates through `membershipChanged` whenever members change.
 */
export class ChatRoom extends SocketServer implements ChatRoomRpc {
  static override options = { hibernate: true };

  /** An upgrade runs in the trace its request carries, so the object's log lines join it. */
  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  private readonly deps = depsFor(this.env);
  #log: MessageLog | undefined;
  /** Membership answers, checked on every frame; the Worker invalidates them through `membershipChanged`. */
  private readonly members = new MemberCache((userId) => isMember(this.deps, this.name, userId));
  /** How many members the chat has, as the last chat-list sync read it; null until one has, and after membership changes. */
  #memberCount: number | null = null;
  /**
   * Whether every member in #memberIds has a socket open here, kept until the members or the
   * sockets change: asked for every message (push, chat-list sync), it was a loop over all the
   * members each time (200 members: 0.5 ms of a message's CPU in `npm run bench:chat -- --profile`).
   */
  #everyMemberConnected: boolean | null = null;
  private readonly sendLimit = new SendLimit();
  /** Room-wide, in a room with fan-out shards only (ROOM_OF_THOUSANDS_TYPING_RELAYS). */
  private readonly typingRelays = new FrameBudget(ROOM_OF_THOUSANDS_TYPING_RELAYS);
  private readonly chatList = new ChatListSync(this.chatListHost(), this.deps);
  /** Whether each socket's session is still alive, and its role (checked on every frame from memory), and the frame budgets. */
  private readonly guard = new SocketGuard<ChatFrameBudget>(
    (userId, sessionId) => sessionStanding(this.deps, userId, sessionId),
    this.deps.config.realtime.sessionRecheckMs,
    this.deps.config.rateLimits.chatFrames,
  );
  /** Sockets past their first frame since this instance woke (partyserver has set them up). */
  private readonly knownSockets = new WeakSet<WebSocket>();
  private queuedSends: AdmittedSend[] = [];
  /** When a socket send was last stored at once, outside a group commit. */
  private lastImmediateStoreAt = Number.NEGATIVE_INFINITY;
  private readonly sendingFiles = new SendingFiles();
  private readonly groupCommit = new CoalescedTask(() => this.storeQueuedSends(), 0);
  private readonly searchIndexing = new CoalescedTask(() => this.#log?.indexPending(), SEARCH_INDEX_DELAY_MS);

  #fanoutShards: FanoutShards | null | undefined;
  /**
   * The fan-out shards that hold this room's sockets when it is big (shared/chat/fanout.ts): only
   * a chat that may have them keeps their registry, so every other room reads and writes nothing for it.
   */
  private get fanoutShards(): FanoutShards | null {
    if (this.#fanoutShards === undefined)
      this.#fanoutShards = mayHaveFanoutShards(this.name)
        ? new FanoutShards(
            this.ctx.storage.sql,
            (shard) => this.deps.objects.chatFanout(shard),
            (promise) => this.ctx.waitUntil(promise),
            () => this.connectedUsersChanged(),
          )
        : null;
    return this.#fanoutShards;
  }

  #e2ee: EncryptedFrames | undefined;
  /** Encrypted chats (docs/e2ee.md): the `mls.*` frames, and no plain text in such a chat. */
  private get e2ee(): EncryptedFrames {
    this.#e2ee ??= new EncryptedFrames(this.deps, this.ctx.storage.sql, this.name);
    return this.#e2ee;
  }

  private get log(): MessageLog {
    if (!this.#log) {
      this.#log = new MessageLog(this.ctx.storage.sql, this.name);
      this.chatList.notifiedUpTo(this.#log.lastSeq);
      // A message stored before an eviction that cut the D1 sync short is synced on wake (an
      // encrypted edit or reaction after it is not the chat's last message: it needs no sync).
      if (this.#log.getState(SYNCED_SEQ) < this.#log.lastSeq && this.#log.getState(SYNCED_SEQ) < (this.#log.lastMessage()?.seq ?? 0)) this.queueChatListSync();
    }
    return this.#log;
  }

  /**
   * The users with a socket open in the room (the connection state says whose), kept between
   * messages: reading every socket's attachment for each message was the largest single cost of a
   * busy room (`npm run bench:chat -- --profile`). Forgotten when a socket opens, closes or fails,
   * and after a wake (memory starts empty), then read again on the next use. Callers only read it.
   */
  #connectedUsers: ReadonlySet<string> | null = null;

  /**
   * The room's open sockets, kept between messages for the same reason and forgotten at the same
   * moments: `getWebSockets()` builds a wrapper per socket on every call (about 1.7 ms per message
   * with 200 sockets in the profile).
   */
  #sockets: WebSocket[] | null = null;

  private openSockets(): WebSocket[] {
    this.#sockets ??= this.ctx.getWebSockets();
    return this.#sockets;
  }

  /** A socket opened, closed or failed: who is connected is read again on the next use. */
  private connectionsChanged(): void {
    this.#sockets = null;
    this.connectedUsersChanged();
  }

  /** Someone connected or left here or on a shard. */
  private connectedUsersChanged(): void {
    this.#connectedUsers = null;
    this.#everyMemberConnected = null;
  }

  /** The member count as read now (null: not known, e.g. after membership changed). */
  private membersKnown(count: number | null): void {
    this.#memberCount = count;
    this.#everyMemberConnected = null;
  }

  /** Closes these sockets and forgets who is connected now, without waiting for their close events. */
  private closeConnections(connections: Iterable<RoomConnection>, reason: CloseReason, detail?: string): void {
    for (const connection of connections) closeSocket(connection, reason, detail);
    this.connectionsChanged();
  }

  /** The users with a socket here or on one of the room's shards (after a wake, ask the shards first: `connectionsKnown`). */
  private connectedUserIds(): ReadonlySet<string> {
    if (this.#connectedUsers) return this.#connectedUsers;
    const connected = new Set<string>();
    for (const connection of this.getConnections<Principal>()) if (connection.state) connected.add(connection.state.userId);
    for (const userId of this.fanoutShards?.users() ?? []) connected.add(userId);
    this.#connectedUsers = connected;
    return connected;
  }

  /** Resolves once the room knows who is connected on its shards (they are asked after a wake). */
  private async connectionsKnown(): Promise<void> {
    await this.fanoutShards?.knowUsers();
  }

  /** What the chat-list sync may see of this room; it reads the log only while the log is open. */
  private chatListHost(): ChatListSyncHost {
    return {
      chatId: () => this.name,
      newestMessage: () => this.#log?.lastMessage() ?? null,
      markSynced: (seq) => this.#log?.setState(SYNCED_SEQ, seq),
      connectionsKnown: () => this.connectionsKnown(),
      connectedUserIds: () => this.connectedUserIds(),
      everyMemberConnected: () => this.everyMemberConnected(),
      membersCounted: (count) => this.membersKnown(count),
      waitUntil: (promise) => this.ctx.waitUntil(promise),
      retryAt: (at) => this.ctx.storage.setAlarm(at),
    };
  }

  override onClose(): void {
    this.connectionsChanged();
  }

  override onError(): void {
    this.connectionsChanged();
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [userTag(principal.userId), sessionTag(principal.sessionId)] : [];
  }

  override async onConnect(connection: RoomConnection, context: ConnectionContext): Promise<void> {
    // The Worker authenticated the upgrade and checked membership; this is the second line.
    const principal = principalFromUpgrade(context.request);
    if (!principal) {
      closeSocket(connection, "unauthenticated");
      return;
    }
    if (!(await this.members.isMember(principal.userId))) {
      closeSocket(connection, "not_a_member", "You are not a member of this chat");
      return;
    }
    if (!this.guard.admit(connection, principal, this.deps.clock.now())) return;
    connection.setState(principal);
    this.connectionsChanged();
    connection.send(JSON.stringify({ type: "hello", userId: principal.userId, lastSeq: this.log.lastSeq }));
  }

  /**
   * partyserver's wrapper deserializes the socket's attachment on every frame just to see that
   * the socket is its own; after a socket's first frame (which goes through it, so the room is
   * initialised) frames go straight to onMessage.
   */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (this.knownSockets.has(ws)) return this.onMessage(ws as RoomConnection, message);
    return super.webSocketMessage(ws, message);
  }

  override async onMessage(connection: RoomConnection, message: string | ArrayBuffer): Promise<void> {
    const state = connection.state;
    if (!state) {
      closeSocket(connection, "unauthenticated");
      return;
    }
    // The session may have ended, or the role changed, since the socket opened: answered from memory, from D1 only after the recheck interval.
    const checked = this.guard.standing(connection, state, this.deps.clock.now());
    const standing = checked instanceof Promise ? await checked : checked;
    if (!standing) return;
    const principal: Principal = standing.role === state.role ? state : { ...state, role: standing.role };
    this.knownSockets.add(connection);
    const parsed = parseChatFrame(message);
    if (!parsed.ok) {
      connection.send(errorFrameFor(parsed));
      return;
    }
    if (!(await this.members.isMember(principal.userId))) {
      this.closeConnections([connection], "not_a_member", "You are no longer a member of this chat");
      return;
    }
    const { type } = parsed.frame;
    if (
      type !== "message.send" &&
      type !== "mls.send" &&
      !this.guard.takeFrame(connection, CHAT_FRAME_BUDGET[type], principal.userId, this.deps.clock.now(), `Too many ${type} frames; slow down`)
    )
      return;
    try {
      await this.handleFrame(connection, principal, parsed.frame);
    } catch (error) {
      logEvent("error", "chat frame failed", { chatId: this.name, error: String(error) });
      connection.send(errorFrameFor({ code: "internal_error", detail: "The frame could not be processed; retry it" }));
    }
  }

  private async handleFrame(connection: FrameOrigin, principal: Principal, frame: ChatClientFrame): Promise<void> {
    if (frame.type === "message.edit" || frame.type === "reaction") {
      const plainRefused = await this.e2ee.refusePlain();
      if (plainRefused) return void connection.send(errorFrameFor(plainRefused, { id: frame.id, epoch: plainRefused.epoch }));
    }
    switch (frame.type) {
      case "ping":
        connection.send(JSON.stringify({ type: "pong" }));
        return;
      case "typing":
        if (this.fanoutShards && this.typingRelays.take("typing", this.name, this.deps.clock.now()) > 0) return;
        this.sendToOthers(principal.userId, JSON.stringify({ type: "typing", userId: principal.userId }));
        return;
      case "message.send": {
        const admitted = await this.admitSend(principal, frame, connection);
        if ("send" in admitted) this.queueSend(admitted.send);
        else if (!admitted.ok) connection.send(errorFrameFor(admitted, { clientId: frame.clientId }));
        return;
      }
      case "read": {
        const result = await this.markReadFrom(principal.userId, frame.seq, connection);
        if (!result.ok) connection.send(errorFrameFor(result));
        return;
      }
      case "message.edit": {
        const result = this.editMessage(principal, frame.id, frame.text);
        if (!result.ok) connection.send(errorFrameFor(result, { id: frame.id }));
        return;
      }
      case "message.delete": {
        const result = await this.deleteMessage(principal, frame.id);
        if (!result.ok) connection.send(errorFrameFor(result, { id: frame.id }));
        return;
      }
      case "reaction": {
        const result = this.react(principal, frame.id, frame.emoji, !frame.remove);
        if (!result.ok) connection.send(errorFrameFor(result, { id: frame.id }));
        return;
      }
      case "mls.send": {
        const checked = await this.e2ee.checkSend(principal, frame);
        const admitted = checked.ok ? await this.admitSend(principal, checked.message, connection) : checked;
        if ("send" in admitted) this.queueSend(admitted.send);
        else if (!admitted.ok)
          connection.send(
            errorFrameFor(admitted, {
              clientId: frame.clientId,
              ...("epoch" in admitted ? { epoch: admitted.epoch } : {}),
              ...("deviceIds" in admitted && admitted.deviceIds ? { deviceIds: admitted.deviceIds } : {}),
            }),
          );
        return;
      }
      case "mls.commit":
      case "mls.commits":
      case "mls.welcomes":
      case "mls.welcome.ack": {
        const refused = await this.e2ee.handle(principal, frame, {
          chatId: this.name,
          now: () => this.deps.clock.now(),
          reply: (text) => connection.send(text),
          toOthers: (text) => this.fanOut(text, connection),
          toUsers: (userIds, text) => this.sendToUsers(userIds, text, connection),
        });
        if (refused) connection.send(errorFrameFor(refused, { epoch: refused.epoch, ...(refused.deviceIds ? { deviceIds: refused.deviceIds } : {}) }));
        return;
      }
    }
  }

  /** RPC for `POST /v1/chats/:id/messages`: the Worker checked membership; every socket gets `message.new`. */
  async postMessage(sender: Sender, input: NewMessage): Promise<StoreResult> {
    const admitted = await this.admitSend({ userId: sender.userId, role: sender.role }, input);
    if (!("send" in admitted)) return admitted;
    try {
      return this.commitSend(admitted.send);
    } finally {
      this.sendingFiles.release(admitted.send.attachments.map((file) => file.id));
    }
  }

  forwardableMessage(id: string): Result<Message> {
    return mayForward(this.log.findById(id));
  }

  /** RPC for `POST /v1/chats/:id/messages/:messageId/forward`: the Worker checked both memberships and read the original. */
  async forwardMessage(sender: Sender, forward: ForwardedMessage): Promise<StoreResult> {
    // A retry of a stored forward (same clientId) is answered with it, without a second copy.
    const existing = this.log.findByClientId(sender.userId, forward.clientId);
    if (existing) return this.repeatAck(existing, forward.clientId);
    const limited = this.takeSendSlot(sender.userId);
    if (limited) return limited;
    const held = forward.attachments.map((file) => file.id);
    this.sendingFiles.hold(held);
    try {
      const attachments = await resolveForwardedAttachments(this.deps, forward.fromChatId, this.name, forward.attachments);
      if (!attachments.ok) {
        this.sendLimit.giveBack(sender.userId);
        return attachments;
      }
      const { clientId, text, forwardedFrom } = forward;
      return this.commitSend({ sender, clientId, text, attachments: attachments.value, replyTo: null, mentions: [], forwardedFrom });
    } finally {
      this.sendingFiles.release(held);
    }
  }

  /** A live message or a send on its way carries the file: the chat keeps its grant. */
  private carriesFile(fileId: string): boolean {
    return this.sendingFiles.carries(fileId) || this.log.carriesFile(fileId);
  }

  /**
   * The checks before a message is stored: the sender's limit slot and the attachments. A retry
   * of a stored (sender, clientId) is answered here with the stored message when that is known
   * without storing (over the limit, or with attachments); otherwise the insert finds it.
   */
  private async admitSend(sender: Sender, input: NewMessage, origin?: FrameOrigin): Promise<StoreResult | { send: AdmittedSend }> {
    if (input.mls === undefined) {
      const plainRefused = await this.e2ee.refusePlain();
      if (plainRefused) return refusal(409, plainRefused.code, plainRefused.detail);
    }
    const limited = this.takeSendSlot(sender.userId);
    if (limited) {
      // A retry of a stored message is answered even when its sender is over the limit.
      const existing = this.log.findByClientId(sender.userId, input.clientId);
      return existing ? this.repeatAck(existing, input.clientId, origin) : limited;
    }
    let attachments: Message["attachments"] = [];
    if (input.attachments && input.attachments.length > 0) {
      // A retry gets its stored message even if a file was removed since (and skips the lookups).
      const existing = this.log.findByClientId(sender.userId, input.clientId);
      if (existing) {
        this.sendLimit.giveBack(sender.userId);
        return this.repeatAck(existing, input.clientId, origin);
      }
      const held = [...new Set(input.attachments)];
      this.sendingFiles.hold(held);
      const resolved = await resolveAttachments(this.deps, sender.userId, this.name, input.attachments).catch((error: unknown) => {
        this.sendingFiles.release(held);
        throw error;
      });
      if (!resolved.ok) {
        this.sendingFiles.release(held);
        return resolved;
      }
      attachments = resolved.value;
    }
    if (input.relatesTo) {
      const target = mayRelateTo(this.log.findById(input.relatesTo.id), input.relatesTo, sender);
      if (!target.ok) return this.refuseSend(sender, input, attachments, target);
    }
    let replyTo: Message | null = null;
    if (input.replyTo !== undefined) {
      const target = mayReplyTo(this.log.findById(input.replyTo));
      if (!target.ok) return this.refuseSend(sender, input, attachments, target);
      replyTo = target.value;
    }
    const mentions: string[] = [];
    for (const userId of new Set(input.mentions ?? [])) {
      if (userId !== sender.userId && (await this.members.isMember(userId))) mentions.push(userId);
    }
    return {
      send: { sender, clientId: input.clientId, text: input.text, attachments, replyTo, mentions, origin, mls: input.mls, relatesTo: input.relatesTo },
    };
  }

  /** A send refused after its checks began: the limit slot and the held files are given back. */
  private refuseSend(sender: Sender, input: NewMessage, attachments: Message["attachments"], refused: Refusal): Refusal {
    this.sendLimit.giveBack(sender.userId);
    if (input.attachments) this.sendingFiles.release(attachments.map((file) => file.id));
    return refused;
  }

  /**
   * A room that is not in a burst stores a send at once: the timer turn a group commit waits for
   * was most of a quiet room's own latency (`npm run bench:chat`, 50 receivers at 200 msg/s). In a
   * burst, sends join the group commit (behind any already waiting, so arrival order holds).
   */
  private queueSend(send: AdmittedSend): void {
    const now = Date.now();
    if (!this.groupCommit.pending && now - this.lastImmediateStoreAt >= BURST_GAP_MS) {
      this.lastImmediateStoreAt = now;
      this.storeSends([send]);
      return;
    }
    this.queuedSends.push(send);
    this.groupCommit.request();
  }

  /**
   * Group commit: every socket send that arrived since the last run is stored now, in arrival
   * order, so their writes share one storage commit instead of one commit per WebSocket event
   * (the commit, not the CPU, bounded a room at about 1,000 messages per second).
   */
  private storeQueuedSends(): void {
    const batch = this.queuedSends;
    this.queuedSends = [];
    this.storeSends(batch);
  }

  private storeSends(batch: AdmittedSend[]): void {
    for (const send of batch) {
      try {
        this.commitSend(send);
      } catch (error) {
        logEvent("error", "chat send failed", { chatId: this.name, error: String(error) });
        send.origin?.send(errorFrameFor({ code: "internal_error", detail: "The frame could not be processed; retry it" }, { clientId: send.clientId }));
      } finally {
        this.sendingFiles.release(send.attachments.map((file) => file.id));
      }
    }
  }

  /**
   * Stores a message, then acknowledges and broadcasts it. The same (sender, clientId) again
   * returns the stored message without a second copy or broadcast.
   */
  private commitSend(send: AdmittedSend): StoreResult {
    const { sender, clientId, origin } = send;
    const now = this.deps.clock.now();
    const message = this.log.append({
      id: newId(now),
      senderId: sender.userId,
      clientId,
      text: send.text,
      attachments: send.attachments,
      replyTo: send.replyTo,
      mentions: send.mentions,
      forwardedFrom: send.forwardedFrom,
      mls: send.mls,
      relatesTo: send.relatesTo,
      now,
    });
    if (!message) {
      // A retry of a stored message: it does not count against the limit.
      this.sendLimit.giveBack(sender.userId);
      return this.repeatAck(this.log.findByClientId(sender.userId, clientId)!, clientId, origin);
    }
    metrics.count("chat_messages_stored_total", {});
    scheduleMetricsFlush(this.deps);
    // Storage writes are confirmed before these frames leave (output gate): stored before acknowledged.
    const frames = storedMessageFrames(message, clientId);
    origin?.send(frames.ack);
    this.fanOut(frames.fresh, origin, message.seq);
    this.chatList.noteRead(sender.userId, message.seq);
    // An encrypted edit or reaction is not the chat's last message, nor a new one for anybody:
    // no chat-list change, no push (the sender's read position goes with the next sync).
    if (message.relatesTo) return { ok: true, value: { message, created: true } };
    this.searchIndexing.request();
    if (message.mentions.length > 0) this.chatList.noteMentions(message.seq, message.mentions);
    this.queueChatListSync();
    this.queuePush(message);
    return { ok: true, value: { message, created: true } };
  }

  /**
   * Members without a socket in this room get a push (docs/notifications.md): the fan-out runs on
   * the queue, told who was connected when the message was stored. Sent after the message is
   * stored, never on the path to its ack.
   */
  private queuePush(message: Message): void {
    // After a wake the shards say first who is connected on them: a push to a reader is one too many.
    const shards = this.fanoutShards;
    if (shards && !shards.usersKnown) {
      this.ctx.waitUntil(shards.knowUsers().then(() => this.queuePush(message)));
      return;
    }
    // Every member has the room open (as the last sync read the members): nobody to push to, no job.
    if (this.everyMemberConnected()) return;
    const connected = this.connectedUserIds();
    const job: PushFanoutJob = {
      kind: "push.fanout",
      event: {
        type: "message",
        chatId: this.name,
        messageId: message.id,
        seq: message.seq,
        senderId: message.senderId ?? "",
        text: message.text,
        ...(message.mls !== undefined ? { encrypted: { mentionIds: message.mentions } } : message.mentions.length > 0 ? { mentionIds: message.mentions } : {}),
        createdAt: Date.parse(message.createdAt),
        ...(connected.size <= PUSH_JOB_CONNECTED_MAX ? { connectedUserIds: [...connected] } : {}),
      },
    };
    this.ctx.waitUntil(
      this.deps.queue.send(job).catch((error: unknown) => logEvent("error", "queueing a message push failed", { chatId: this.name, error: String(error) })),
    );
  }

  /** Whether every member has a socket open here, as far as the room knows its members (false when it does not). */
  private everyMemberConnected(): boolean {
    this.#everyMemberConnected ??= this.computeEveryMemberConnected();
    return this.#everyMemberConnected;
  }

  /** Only members have sockets here (checked at connect, closed when they leave), so counting them is enough. */
  private computeEveryMemberConnected(): boolean {
    return this.#memberCount !== null && this.connectedUserIds().size >= this.#memberCount;
  }

  private repeatAck(message: Message, clientId: string, origin?: FrameOrigin): StoreResult {
    origin?.send(storedMessageFrames(message, clientId).ack);
    return { ok: true, value: { message, created: false } };
  }

  async connectedAmong(userIds: string[]): Promise<string[]> {
    await this.connectionsKnown();
    const connected = this.connectedUserIds();
    return userIds.filter((userId) => connected.has(userId));
  }

  listMessages(query: MessagePageQuery): Result<MessagePage> {
    return { ok: true, value: this.log.page(query) };
  }

  async markRead(userId: string, seq: number, originId?: string): Promise<Result<{ seq: number }>> {
    return this.markReadFrom(userId, seq, originId ? this.getConnection<Principal>(originId) : undefined);
  }

  /**
   * Moves the read position and tells the room's sockets, but the reader's: in a room of thousands
   * (with fan-out shards) only the reader's own other sockets, since one read position per member
   * per message sent to every member grows with the square of the room (docs/chat.md).
   */
  private async markReadFrom(userId: string, seq: number, origin?: FrameOrigin): Promise<Result<{ seq: number }>> {
    const refused = readPositionRefusal(seq, this.log.lastSeq);
    if (refused) return refused;
    await markChatRead(this.deps, this.name, userId, seq);
    const frame = JSON.stringify({ type: "read", userId, seq });
    if (this.fanoutShards) this.sendToUsers([userId], frame, origin);
    else this.fanOut(frame, origin);
    return { ok: true, value: { seq } };
  }

  editMessage(actor: Sender, id: string, text: string): Result<Message> {
    const allowed = mayEdit(this.log.findById(id), actor);
    if (!allowed.ok) return allowed;
    const edited = this.log.edit(id, text, this.deps.clock.now())!;
    this.broadcastUpdate(edited);
    return { ok: true, value: edited };
  }

  /** Soft delete; a file no live message carries any more is no longer readable by the members through this chat. */
  async deleteMessage(actor: Sender, id: string): Promise<Result<Message>> {
    const allowed = mayDelete(this.log.findById(id), actor);
    if (!allowed.ok) return allowed;
    const message = allowed.value;
    if (message.deletedAt) return { ok: true, value: message };
    const wasPinned = this.log.unpin(message.seq);
    const deleted = this.log.softDelete(id, this.deps.clock.now())!;
    this.broadcastUpdate(deleted);
    if (wasPinned) this.fanOut(JSON.stringify({ type: "message.unpinned", id }));
    if (message.attachments.length > 0) {
      await releaseDeletedAttachments(
        this.deps,
        this.name,
        message.attachments.map((file) => file.id),
        (fileId) => this.carriesFile(fileId),
      );
    }
    return { ok: true, value: deleted };
  }

  react(actor: Sender, id: string, emoji: string, add: boolean): Result<Message> {
    const allowed = mayReact(this.log.findById(id));
    if (!allowed.ok) return allowed;
    this.log.react(allowed.value.seq, actor.userId, emoji, add, this.deps.clock.now());
    const updated = this.log.findById(id)!;
    this.fanOut(JSON.stringify({ type: "message.updated", message: wireMessage(updated) }));
    return { ok: true, value: updated };
  }

  /** Pins a message for every member (`message.pinned` to every socket); pinning it again changes nothing. */
  pinMessage(actor: Sender, id: string): Result<Pin> {
    const allowed = mayPin(this.log.findById(id), actor, this.name === GENERAL_CHAT_ID);
    if (!allowed.ok) return allowed;
    const pinned = this.log.pin(allowed.value, actor.userId, this.deps.clock.now(), MAX_PINS);
    if (!pinned) return refusal(409, "too_many_pins", `The chat already has ${MAX_PINS} pinned messages: unpin one first`);
    if (pinned.created) this.fanOut(JSON.stringify({ type: "message.pinned", pin: wirePin(pinned.pin) }));
    return { ok: true, value: pinned.pin };
  }

  /** Unpins a message (`message.unpinned` to every socket); a message that is not pinned is 404. */
  unpinMessage(actor: Sender, id: string): Result<{ id: string }> {
    const message = this.log.findById(id);
    const allowed = mayPin(message, actor, this.name === GENERAL_CHAT_ID);
    if (!allowed.ok && allowed.code !== "message_deleted") return allowed;
    if (!message || !this.log.unpin(message.seq)) return refusal(404, "message_not_found", "That message is not pinned");
    this.fanOut(JSON.stringify({ type: "message.unpinned", id }));
    return { ok: true, value: { id } };
  }

  listPins(): Pin[] {
    return this.log.pins();
  }

  /** Called by the Worker after members changed in D1: forget cached answers, close sockets of those who left. */
  async membershipChanged(userIds: string[]): Promise<void> {
    this.membersKnown(null);
    this.#e2ee?.forget();
    for (const userId of userIds) {
      this.members.forget(userId);
      if (await this.members.isMember(userId)) continue;
      this.closeConnections(this.getConnections(userTag(userId)), "not_a_member", "You are no longer a member of this chat");
    }
    await this.fanoutShards?.tellEach("members changed", (shard) => shard.membershipChanged(userIds));
  }

  /** These sessions ended (pushed by the user's hub): their sockets close and their next frame would be refused. */
  async sessionsEnded(sessionIds: string[]): Promise<void> {
    this.#e2ee?.forget();
    this.guard.sessionsEnded(sessionIds, this.deps.clock.now(), (sessionId) => this.getConnections(sessionTag(sessionId)));
    this.connectionsChanged();
    // The hub knows the chat, not the shard: every shard hears it (a session's sockets are on one).
    await this.fanoutShards?.tellEach("sessions ended", (shard) => shard.sessionsEnded(sessionIds));
  }

  /** The user's role or status changed: their sockets' next frame reads it again. */
  async userChanged(userId: string): Promise<void> {
    this.guard.userChanged(userId);
    await this.fanoutShards?.tellEach("a user changed", (shard) => shard.userChanged(userId));
  }

  /** A socket of `userId` opened on fan-out shard `shard` (shared/chat/fanout.ts). */
  async fanoutJoined(shard: string, userId: string): Promise<{ lastSeq: number }> {
    if (!this.fanoutShards) throw new Error(`chat ${this.name} has no fan-out shards`);
    this.fanoutShards.joined(shard, userId);
    return { lastSeq: this.log.lastSeq };
  }

  /** The last socket of `userId` on `shard` closed. */
  async fanoutLeft(shard: string, userId: string): Promise<void> {
    this.fanoutShards?.left(shard, userId);
  }

  /**
   * A frame from a socket of one of the room's shards, checked there as the room checks its own
   * sockets' frames (session, membership, budgets): handled as if it came from a socket here.
   * Answers what that socket gets; a send answers once it is stored (its ack) or refused.
   */
  async frameFromFanout(shard: string, connectionId: string, principal: Principal, frame: ChatClientFrame): Promise<string[]> {
    const origin = new ShardSocket(shard, connectionId);
    try {
      await this.handleFrame(origin, principal, frame);
      if ((frame.type === "message.send" || frame.type === "mls.send") && origin.replies.length === 0) await origin.answered;
    } catch (error) {
      logEvent("error", "chat frame failed", { chatId: this.name, error: String(error) });
      origin.send(errorFrameFor({ code: "internal_error", detail: "The frame could not be processed; retry it" }));
    }
    return origin.replies;
  }

  /** The chat was deleted: close every socket and drop the log. */
  async closeChat(): Promise<void> {
    this.closeConnections(this.getConnections(), "chat_deleted");
    await this.fanoutShards?.tellEach("the chat was deleted", (shard) => shard.closeAll("chat_deleted"));
    this.fanoutShards?.clear();
    for (const send of this.queuedSends) if (send.origin instanceof ShardSocket) send.origin.settle();
    this.queuedSends = [];
    this.groupCommit.cancel();
    this.searchIndexing.cancel();
    this.members.clear();
    this.membersKnown(null);
    this.chatList.clear();
    this.#e2ee?.clear();
    this.#log = undefined;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  messagesBySender(userId: string): Message[] {
    return this.log.bySender(userId);
  }

  anonymiseSender(userId: string): number {
    this.closeConnections(this.getConnections(userTag(userId)), "not_a_member");
    this.members.forget(userId);
    // The account is gone, and with it its memberships: its sockets on the shards close too.
    const shards = this.fanoutShards;
    if (shards?.inUse) this.ctx.waitUntil(shards.tellEach("a member was deleted", (shard) => shard.membershipChanged([userId])));
    return this.log.anonymiseSender(userId);
  }

  override async onAlarm(): Promise<void> {
    this.queueChatListSync();
    await this.chatList.settled();
  }

  private broadcastUpdate(message: Message): void {
    this.fanOut(JSON.stringify({ type: "message.updated", message: wireMessage(message) }));
    if (message.seq === this.log.lastSeq) this.queueChatListSync();
  }

  /** A frame to every socket of the room but `userId`'s, here and on the shards. */
  private sendToOthers(userId: string, text: string): void {
    const own = new Set<WebSocket>(this.ctx.getWebSockets(userTag(userId)));
    for (const ws of this.openSockets()) if (!own.has(ws)) sendQuietly(ws, text);
    this.fanoutShards?.send({ text, skipUser: userId });
  }

  /** A frame to these users' sockets only, here and on the shards, but `origin`. */
  private sendToUsers(userIds: readonly string[], text: string, origin?: FrameOrigin): void {
    for (const userId of userIds) for (const ws of this.ctx.getWebSockets(userTag(userId))) if (ws !== origin) sendQuietly(ws, text);
    this.fanoutShards?.send({ text, toUsers: userIds }, origin instanceof ShardSocket ? { shard: origin.shard, connectionId: origin.id } : undefined);
  }

  /**
   * Sends one frame to every open socket of the room except `origin` (the sender's), and hands it
   * to the room's fan-out shards for theirs. Straight over the hibernation API: partyserver's
   * broadcast deserializes every socket's attachment per frame, which dominated the cost of a
   * message in a busy room. `seq`: the stored message the frame carries.
   */
  private fanOut(text: string, origin?: FrameOrigin, seq?: number): void {
    for (const ws of this.openSockets()) if (ws !== origin) sendQuietly(ws, text);
    const shards = this.fanoutShards;
    if (shards?.inUse) shards.send({ text, seq }, origin instanceof ShardSocket ? { shard: origin.shard, connectionId: origin.id } : undefined);
  }

  private takeSendSlot(userId: string): Refusal | null {
    return this.sendLimit.take(userId, this.deps.config.rateLimits.chatMessages, this.deps.clock.now());
  }

  private queueChatListSync(): void {
    this.chatList.queue();
  }

  /** A method call that carries the caller's trace (see shared/observability/traced-stub.ts). */
  /** Backup and restore (`GET /v1/admin/backup/objects/...`): every table and key, whatever this class adds. */
  async durableState(request: DurableStateRequest): Promise<DurableStateReply> {
    return durableState(this.ctx, request);
  }

  async traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
    return runTracedMethod(this, carrier, method, args);
  }
}
