import { type Connection, type ConnectionContext, Server } from "partyserver";
import { depsFor } from "../shared/platform/deps";
import { sessionStanding } from "../shared/identity/sessions/principal";
import { clock } from "../shared/clock";
import type { Env } from "../shared/env";
import { configOf } from "../shared/config";
import { FrameBudget } from "../shared/realtime/frame-budget";
import { errorFrame, parseFrame } from "../shared/realtime/frames";
import { type SocketTarget, SessionSocketRegistry, type TargetPush } from "../shared/realtime/session-socket-registry";
import { SessionStandings } from "../shared/realtime/session-standings";
import { HubClientFrames, type HubServerFrame } from "../shared/realtime/socket-protocols";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod } from "../shared/observability/traced-stub";
import { logEvent } from "../shared/observability/log";

interface HubConnectionState {
  userId: string;
  sessionId: string;
  connectedAt: number;
}

/** The close code of every socket whose session ended (hub, chat rooms, calls). */
export const CLOSE_SESSION_ENDED = 4001;

const sessionTag = (sessionId: string) => `session:${sessionId}`;

/**
 * One per user: the notification sockets of every device of that user (incoming calls, chat
 * list changes, asset status), and the registry of where each of the user's sessions has sockets
 * open, so that ending a session closes its sockets everywhere. Other code pushes frames through
 * `notify` (Durable Object RPC).
 */
export class UserHub extends Server<Env> {
  static override options = { hibernate: true };

  #registry: SessionSocketRegistry | undefined;
  #standings: SessionStandings | undefined;
  #budget: FrameBudget<"ping"> | undefined;

  private get registry(): SessionSocketRegistry {
    this.#registry ??= new SessionSocketRegistry(this.ctx.storage.sql);
    return this.#registry;
  }

  private get standings(): SessionStandings {
    this.#standings ??= new SessionStandings((userId, sessionId) => sessionStanding(depsFor(this.env), userId, sessionId), configOf(this.env).realtime.sessionRecheckMs);
    return this.#standings;
  }

  private get budget(): FrameBudget<"ping"> {
    this.#budget ??= new FrameBudget({ ping: configOf(this.env).rateLimits.socketPings });
    return this.#budget;
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [sessionTag(principal.sessionId)] : [];
  }

  /** An upgrade runs in the trace its request carries, so the object's log lines join it. */
  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  override onConnect(connection: Connection<HubConnectionState>, context: ConnectionContext): void {
    // The Worker authenticated the upgrade; this is a second line of defence only.
    const principal = principalFromUpgrade(context.request);
    if (!principal || principal.userId !== this.name) {
      connection.close(1008, "unauthenticated");
      return;
    }
    if (this.registry.isEnded(principal.sessionId)) {
      connection.close(CLOSE_SESSION_ENDED, "session ended");
      return;
    }
    this.standings.trust(principal.sessionId, { userId: principal.userId, role: principal.role }, clock.now());
    connection.setState({ userId: principal.userId, sessionId: principal.sessionId, connectedAt: Date.now() });
    logEvent("info", "socket connected", { object: "UserHub", userId: principal.userId, sessionId: principal.sessionId });
    connection.send(JSON.stringify({ type: "hello", userId: principal.userId } satisfies HubServerFrame));
  }

  override async onMessage(connection: Connection<HubConnectionState>, message: string | ArrayBuffer): Promise<void> {
    const state = connection.state;
    if (!state) {
      connection.close(1008, "not authenticated");
      return;
    }
    const standing = this.standings.current(state.userId, state.sessionId, clock.now());
    if (!(standing instanceof Promise ? await standing : standing)) {
      connection.send(errorFrame("session_ended", "The session of this socket has ended"));
      connection.close(CLOSE_SESSION_ENDED, "session ended");
      return;
    }
    const parsed = parseFrame(message, HubClientFrames);
    if (!parsed.ok) {
      connection.send(errorFrame(parsed.code, parsed.detail));
      return;
    }
    const wait = this.budget.take("ping", state.userId, clock.now());
    connection.send(wait > 0 ? JSON.stringify({ type: "error", code: "rate_limited", detail: "Too many pings", retryAfter: wait }) : JSON.stringify({ type: "pong" }));
  }

  /** Sends a frame to every connected device of this user; returns how many received it. */
  async notify(frame: HubServerFrame): Promise<number> {
    const text = JSON.stringify(frame);
    let delivered = 0;
    for (const connection of this.getConnections<HubConnectionState>()) {
      if (connection.state && this.standings.isEnded(connection.state.sessionId)) continue;
      try {
        connection.send(text);
        delivered++;
      } catch {
        // a socket closing mid-broadcast is not the caller's failure
      }
    }
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
    this.standings.end(sessionIds, clock.now());
    for (const sessionId of sessionIds) {
      for (const connection of this.getConnections(sessionTag(sessionId))) {
        connection.send(errorFrame("session_ended", "The session of this socket has ended"));
        connection.close(CLOSE_SESSION_ENDED, "session ended");
      }
    }
    await this.deliver(this.registry.end(sessionIds, clock.now()));
  }

  /** The user's role or status changed: every object with a socket of theirs reads it again on the next frame. */
  async userChanged(): Promise<void> {
    this.standings.forgetUser(this.name);
    await this.deliver(this.registry.targets().map((target) => ({ ...target, method: "userChanged" as const, userId: this.name })));
  }

  async connectionCount(): Promise<number> {
    return [...this.getConnections()].length;
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
    const target = push.kind === "chat" ? this.env.CHAT_ROOM.getByName(push.targetId) : this.env.CALL_SESSION.getByName(push.targetId);
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
  async traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
    return runTracedMethod(this, carrier, method, args);
  }
}
