import type { Connection, ConnectionContext } from "partyserver";
import { SocketServer } from "../shared/realtime/socket-server";
import { depsFor } from "../workers/realtime/composition";
import type { Principal } from "../shared/identity/sessions/principal";
import { sessionStanding } from "../shared/identity/sessions/standing";
import { isMember } from "../shared/chat/chats";
import type { ChatFanoutRpc, ChatRoomForShardsRpc, FanoutCloseReason } from "../shared/chat/chat-fanout-rpc";
import { chatOfFanoutShard, type FanoutFrame } from "../shared/chat/fanout";
import { CHAT_FRAME_BUDGET, type ChatFrameBudget, parseChatFrame } from "../shared/chat/frames";
import { MemberCache } from "../shared/chat/member-cache";
import { closeSocket, errorFrame, SocketGuard } from "../shared/realtime/socket-kit";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import { logEvent } from "../shared/observability/log";
import { inRequestTrace } from "../shared/observability/traced-stub";

type ShardConnection = Connection<Principal>;

/** A socket closed meanwhile (its close event has not reached the shard yet) refuses the frame: not the sender's failure. */
function sendQuietly(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // closed or closing
  }
}

const userTag = (userId: string) => `user:${userId}`;
const sessionTag = (sessionId: string) => `session:${sessionId}`;

const NONE_EARLIER: readonly Promise<void>[] = [];

/**
 * One slice of a big chat's sockets (name = `<chatId>#<shard>`, docs/realtime.md#rooms-of-thousands):
 * the Worker sends every socket of a user to the same shard. The shard applies the socket's rules
 * itself, as the room does for its own sockets: the session's standing and membership on every
 * frame, the per-user frame budgets, `ping`. Everything else goes to the chat's ChatRoom, which
 * stays the one writer (seq, storage, acks, send limits, idempotent resends) and hands the shard
 * each stored message once (`deliver`); the shard sends it to its sockets.
 */
export class ChatFanout extends SocketServer implements ChatFanoutRpc {
  static override options = { hibernate: true };

  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  private readonly deps = depsFor(this.env);
  private readonly members = new MemberCache((userId) => isMember(this.deps, this.chatId, userId));
  private readonly guard = new SocketGuard<ChatFrameBudget>(
    (userId, sessionId) => sessionStanding(this.deps, userId, sessionId),
    this.deps.config.realtime.sessionRecheckMs,
    this.deps.config.rateLimits.chatFrames,
  );
  /** Sockets past their first frame since this instance woke (partyserver has set them up). */
  private readonly knownSockets = new WeakSet<WebSocket>();
  /** Each socket's frames being handled now (forwarded to the room and not yet answered). */
  private readonly handling = new WeakMap<WebSocket, Set<Promise<void>>>();
  /** The newest seq this shard delivered: a socket's `hello` never says less. */
  private deliveredSeq = 0;
  #room: ChatRoomForShardsRpc | undefined;
  /** The sockets that said hello, kept between deliveries (see ChatRoom.openSockets), forgotten when one opens or closes. */
  #ready: WebSocket[] | null = null;

  private get chatId(): string {
    return chatOfFanoutShard(this.name);
  }

  /** One stub for the shard's life: calls on one stub arrive in the order they were made, so a socket's frames stay in order. */
  private get room(): ChatRoomForShardsRpc {
    this.#room ??= this.deps.objects.chatRoomForShards(this.chatId);
    return this.#room;
  }

  private readySockets(): WebSocket[] {
    this.#ready ??= [...this.getConnections<Principal>()].filter((connection) => connection.state);
    return this.#ready;
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [userTag(principal.userId), sessionTag(principal.sessionId)] : [];
  }

  override async onConnect(connection: ShardConnection, context: ConnectionContext): Promise<void> {
    // The Worker authenticated the upgrade, checked membership and chose this shard for the user.
    const principal = principalFromUpgrade(context.request);
    if (!principal) return closeSocket(connection, "unauthenticated");
    if (!(await this.members.isMember(principal.userId))) return closeSocket(connection, "not_a_member", "You are not a member of this chat");
    if (!this.guard.admit(connection, principal, this.deps.clock.now())) return;
    const { lastSeq } = await this.room.fanoutJoined(this.name, principal.userId);
    connection.setState(principal);
    this.#ready = null;
    // A message the room stored after it answered may have reached the other sockets here before
    // this one was ready: then `hello` says so, and the client reads it with ?after=.
    connection.send(JSON.stringify({ type: "hello", userId: principal.userId, lastSeq: Math.max(lastSeq, this.deliveredSeq) }));
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (this.knownSockets.has(ws)) return this.onMessage(ws as ShardConnection, message);
    return super.webSocketMessage(ws, message);
  }

  override async onMessage(connection: ShardConnection, message: string | ArrayBuffer): Promise<void> {
    let handling = this.handling.get(connection);
    if (!handling) this.handling.set(connection, (handling = new Set()));
    const earlier = handling.size > 0 ? [...handling] : NONE_EARLIER;
    const handled = this.handleFrame(connection, message, earlier);
    handling.add(handled);
    try {
      await handled;
    } finally {
      handling.delete(handled);
    }
  }

  /** One frame of a socket; `earlier` are that socket's frames still on their way to the room. */
  private async handleFrame(connection: ShardConnection, message: string | ArrayBuffer, earlier: readonly Promise<void>[]): Promise<void> {
    const state = connection.state;
    if (!state) return closeSocket(connection, "unauthenticated");
    const checked = this.guard.standing(connection, state, this.deps.clock.now());
    const standing = checked instanceof Promise ? await checked : checked;
    if (!standing) return;
    const principal: Principal = standing.role === state.role ? state : { ...state, role: standing.role };
    this.knownSockets.add(connection);
    const parsed = parseChatFrame(message);
    if (!parsed.ok) return connection.send(errorFrame(parsed.code, parsed.detail));
    if (!(await this.members.isMember(principal.userId))) {
      closeSocket(connection, "not_a_member", "You are no longer a member of this chat");
      return this.connectionsChanged();
    }
    const { frame } = parsed;
    if (
      frame.type !== "message.send" &&
      frame.type !== "mls.send" &&
      !this.guard.takeFrame(connection, CHAT_FRAME_BUDGET[frame.type], principal.userId, this.deps.clock.now(), `Too many ${frame.type} frames; slow down`)
    )
      return;
    if (frame.type === "ping") {
      // A pong says every frame sent before it was handled, as the room's own does: here that
      // means answered by the room, which a frame forwarded a moment earlier may not yet be.
      if (earlier.length > 0) await Promise.allSettled(earlier);
      return connection.send(JSON.stringify({ type: "pong" }));
    }
    try {
      for (const reply of await this.room.frameFromFanout(this.name, connection.id, principal, frame)) connection.send(reply);
    } catch (error) {
      logEvent("error", "chat frame failed", { shard: this.name, error: String(error) });
      const names = "clientId" in frame ? { clientId: frame.clientId } : "id" in frame ? { id: frame.id } : {};
      connection.send(errorFrame("internal_error", "The frame could not be processed; retry it", names));
    }
  }

  override onClose(connection: ShardConnection): void {
    this.connectionsChanged();
    const userId = connection.state?.userId;
    if (!userId) return;
    for (const other of this.ctx.getWebSockets(userTag(userId))) if (other !== connection && other.readyState === WebSocket.OPEN) return;
    this.ctx.waitUntil(
      this.room
        .fanoutLeft(this.name, userId)
        .catch((error: unknown) => logEvent("error", "telling the room a socket left failed", { shard: this.name, error: String(error) })),
    );
  }

  override onError(connection: ShardConnection): void {
    this.onClose(connection);
  }

  private connectionsChanged(): void {
    this.#ready = null;
  }

  deliver(frames: FanoutFrame[]): number {
    const sockets = this.readySockets();
    for (const frame of frames) {
      if (frame.seq !== undefined && frame.seq > this.deliveredSeq) this.deliveredSeq = frame.seq;
      const skip = frame.skipConnection === undefined ? undefined : this.getConnection(frame.skipConnection);
      if (frame.toUsers) {
        // Only sockets that said hello (their state is set), as in the loop below.
        for (const userId of frame.toUsers)
          for (const connection of this.getConnections<Principal>(userTag(userId)))
            if (connection !== skip && connection.state) sendQuietly(connection, frame.text);
        continue;
      }
      const skipUser = frame.skipUser === undefined ? null : new Set<WebSocket>(this.ctx.getWebSockets(userTag(frame.skipUser)));
      for (const ws of sockets) if (ws !== skip && !skipUser?.has(ws)) sendQuietly(ws, frame.text);
    }
    return sockets.length;
  }

  connectedUsers(): string[] {
    const users = new Set<string>();
    for (const connection of this.getConnections<Principal>()) if (connection.state) users.add(connection.state.userId);
    return [...users];
  }

  async sessionsEnded(sessionIds: string[]): Promise<void> {
    this.guard.sessionsEnded(sessionIds, this.deps.clock.now(), (sessionId) => this.getConnections(sessionTag(sessionId)));
    this.connectionsChanged();
  }

  async userChanged(userId: string): Promise<void> {
    this.guard.userChanged(userId);
  }

  async membershipChanged(userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      this.members.forget(userId);
      if (await this.members.isMember(userId)) continue;
      for (const connection of this.getConnections(userTag(userId))) closeSocket(connection, "not_a_member", "You are no longer a member of this chat");
    }
    this.connectionsChanged();
  }

  async closeAll(reason: FanoutCloseReason): Promise<void> {
    for (const connection of this.getConnections()) closeSocket(connection, reason);
    this.members.clear();
    this.connectionsChanged();
  }
}
