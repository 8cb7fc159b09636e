import { durableState } from "../shared/platform/durable-state-export";
import type { DurableStateReply, DurableStateRequest } from "../shared/platform/durable-state-rpc";
import type { Connection, ConnectionContext } from "partyserver";
import { SocketServer } from "../shared/realtime/socket-server";
import { depsFor } from "../workers/realtime/composition";
import { sessionStanding } from "../shared/identity/sessions/standing";
import { clock } from "../shared/clock";
import type { SocketTargetRpc, UserHubRpc } from "../shared/realtime/user-hub-rpc";
import { parseFrame } from "../shared/realtime/frames";
import { type SocketTarget, SessionSocketRegistry, type TargetPush } from "../shared/realtime/session-socket-registry";
import { closeSocket, errorFrame, SocketGuard } from "../shared/realtime/socket-kit";
import { HubClientFrames } from "../shared/realtime/hub-frames";
import type { HubServerFrame } from "../shared/realtime/socket-protocols";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod } from "../shared/observability/traced-stub";
import { logEvent } from "../shared/observability/log";
import { HubPresence } from "../shared/chat/presence";

interface HubConnectionState {
  userId: string;
  sessionId: string;
  connectedAt: number;
}

const sessionTag = (sessionId: string) => `session:${sessionId}`;

/**
 * One per user: the notification sockets of every device of that user (incoming calls, chat
 * list changes, asset status), and the registry of where each of the user's sessions has sockets
 * open, so that ending a session closes its sockets everywhere. Other code pushes frames through
 * `notify` (Durable Object RPC).
 */
export class UserHub extends SocketServer implements UserHubRpc {
  static override options = { hibernate: true };

  private readonly deps = depsFor(this.env);
  #registry: SessionSocketRegistry | undefined;
  /** Whether each socket's session is still alive (checked on every frame from memory), and the ping budget. */
  private readonly guard = new SocketGuard<"ping">(
    (userId, sessionId) => sessionStanding(this.deps, userId, sessionId),
    this.deps.config.realtime.sessionRecheckMs,
    {
      ping: this.deps.config.rateLimits.socketPings,
    },
  );

  #presence: HubPresence | undefined;
  /** The user's online flag and last seen time in D1, written as sockets open and close. */
  private get presence(): HubPresence {
    this.#presence ??= new HubPresence(this.deps, this.name);
    return this.#presence;
  }

  private get registry(): SessionSocketRegistry {
    this.#registry ??= new SessionSocketRegistry(this.ctx.storage.sql);
    return this.#registry;
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [sessionTag(principal.sessionId)] : [];
  }

  /** An upgrade runs in the trace its request carries, so the object's log lines join it. */
  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  override async onConnect(connection: Connection<HubConnectionState>, context: ConnectionContext): Promise<void> {
    // The Worker authenticated the upgrade; this is a second line of defence only.
    const principal = principalFromUpgrade(context.request);
    if (!principal || principal.userId !== this.name) {
      closeSocket(connection, "unauthenticated");
      return;
    }
    // The registry remembers ended sessions across evictions; the guard only since this instance woke.
    if (this.registry.isEnded(principal.sessionId)) {
      this.guard.closeEnded(connection);
      return;
    }
    if (!this.guard.admit(connection, principal, clock.now())) return;
    connection.setState({ userId: principal.userId, sessionId: principal.sessionId, connectedAt: Date.now() });
    // Online in D1 before hello: a chat list update sent from now on reaches this device.
    await this.presence.online().catch((error: unknown) => logEvent("warn", "online not recorded", { userId: this.name, error: String(error) }));
    logEvent("info", "socket connected", { object: "UserHub", userId: principal.userId, sessionId: principal.sessionId });
    connection.send(JSON.stringify({ type: "hello", userId: principal.userId } satisfies HubServerFrame));
  }

  override async onMessage(connection: Connection<HubConnectionState>, message: string | ArrayBuffer): Promise<void> {
    const state = connection.state;
    if (!state) {
      closeSocket(connection, "unauthenticated");
      return;
    }
    const standing = this.guard.standing(connection, state, clock.now());
    if (!(standing instanceof Promise ? await standing : standing)) return;
    const parsed = parseFrame(message, HubClientFrames);
    if (!parsed.ok) {
      connection.send(errorFrame(parsed.code, parsed.detail));
      return;
    }
    if (this.guard.takeFrame(connection, "ping", state.userId, clock.now(), "Too many pings")) connection.send(JSON.stringify({ type: "pong" }));
  }

  /** Sends a frame to every connected device of this user; returns how many received it. */
  async notify(frame: HubServerFrame): Promise<number> {
    const text = JSON.stringify(frame);
    let delivered = 0;
    let open = 0;
    for (const connection of this.getConnections<HubConnectionState>()) {
      open++;
      if (connection.state && this.guard.isEnded(connection.state.sessionId)) continue;
      try {
        connection.send(text);
        delivered++;
      } catch {
        // a socket closing mid-broadcast is not the caller's failure
      }
    }
    if (open === 0)
      this.ctx.waitUntil(this.presence.noDevices().catch((error: unknown) => logEvent("warn", "online not cleared", { userId: this.name, error: String(error) })));
    return delivered;
  }

  /** Before a chat or call upgrade is forwarded: records where the session opens a socket; false when the session ended. */
  async trackSocket(sessionId: string, target: SocketTarget): Promise<boolean> {
    const tracked = this.registry.track(sessionId, target, clock.now());
    await this.scheduleWake();
    return tracked;
  }

  /**
   * These sessions ended: their hub sockets close, and every chat room and call where they have a
   * socket is told to close it. Resolves once every reachable object has done so; pushes that
   * failed are retried from the alarm.
   */
  async sessionsEnded(sessionIds: string[]): Promise<void> {
    this.guard.sessionsEnded(sessionIds, clock.now(), (sessionId) => this.getConnections(sessionTag(sessionId)));
    await this.deliver(this.registry.end(sessionIds, clock.now()));
  }

  /** The user's role or status changed: every object with a socket of theirs reads it again on the next frame. */
  async userChanged(): Promise<void> {
    this.guard.userChanged(this.name);
    await this.deliver(this.registry.targets().map((target) => ({ ...target, method: "userChanged" as const, userId: this.name })));
  }

  async connectionCount(): Promise<number> {
    return [...this.getConnections()].length;
  }

  /** The user's last device went offline: that moment is when they were last seen (presence). */
  override async onClose(connection: Connection<HubConnectionState>): Promise<void> {
    if (!connection.state) return;
    const others = [...this.getConnections<HubConnectionState>()].filter((other) => other.id !== connection.id && other.state);
    if (others.length > 0) return;
    await this.presence.offline().catch((error: unknown) => logEvent("warn", "last seen not recorded", { userId: this.name, error: String(error) }));
  }

  override async onAlarm(): Promise<void> {
    const now = clock.now();
    for (const { id, push, attempts } of this.registry.due(now)) {
      try {
        await this.push(push);
        this.registry.delivered(id);
      } catch (error) {
        if (!this.registry.failedAgain(id, attempts, now)) {
          logEvent("error", "socket push given up", { userId: this.name, push, error: String(error) });
        }
      }
    }
    this.registry.prune(now);
    await this.scheduleWake();
  }

  private async deliver(pushes: TargetPush[]): Promise<void> {
    const results = await Promise.allSettled(pushes.map((push) => this.push(push)));
    const now = clock.now();
    results.forEach((result, i) => {
      if (result.status === "rejected") {
        logEvent("warn", "socket push failed, retrying", { userId: this.name, error: String(result.reason) });
        this.registry.keep(pushes[i]!, now);
      }
    });
    await this.scheduleWake();
  }

  private async push(push: TargetPush): Promise<void> {
    const objects = this.deps.objects;
    const target: SocketTargetRpc =
      push.kind === "chat" ? objects.chatRoom(push.targetId) : push.kind === "call-room" ? objects.callRoom(push.targetId) : objects.callSession(push.targetId);
    if (push.method === "sessionsEnded") await target.sessionsEnded(push.sessionIds);
    else await target.userChanged(push.userId);
  }

  /** One alarm serves push retries and pruning: the earliest due wins, none when nothing is kept. */
  private async scheduleWake(): Promise<void> {
    const at = this.registry.nextWake(clock.now());
    if (at === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
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
