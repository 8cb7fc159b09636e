import { type Connection, type ConnectionContext, Server } from "partyserver";
import { depsFor } from "../shared/platform/deps";
import {
  ABANDONED_CALL_GRACE_MS,
  type CallRecord,
  isActive,
  isParticipant,
  otherParticipant,
  ringTimeoutSeconds,
  toPublicCall,
} from "../shared/calls/call";
import { insertCallRecord, markStartingCallMissed, type NewCall, syncCallRecord } from "../shared/calls/records";
import { MAX_BUFFERED_FRAMES, SignallingFrames } from "../shared/calls/signalling";
import { type CallAction, applyCallAction, type TransitionResult } from "../shared/calls/state-machine";
import { clock } from "../shared/clock";
import { configOf } from "../shared/config";
import { createDatabase } from "../shared/db/client";
import type { Env } from "../shared/env";
import { sessionStanding } from "../shared/identity/sessions/principal";
import { FrameBudget } from "../shared/realtime/frame-budget";
import { errorFrame, parseFrame } from "../shared/realtime/frames";
import { SessionStandings } from "../shared/realtime/session-standings";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import { logEvent } from "../shared/observability/log";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod, traced } from "../shared/observability/traced-stub";
import { metrics, scheduleMetricsFlush } from "../shared/observability/metrics";

export type StartResult =
  | { ok: true; call: CallRecord }
  | { ok: false; code: "busy"; call: CallRecord }
  | { ok: false; code: "already_in_call" };

interface ParticipantState {
  userId: string;
  sessionId: string;
}

const CALL_KEY = "call";
/** A call being created: set before the D1 insert so a crash in between is cleaned up by the alarm. */
const STARTING_KEY = "starting";
const SYNC_PENDING_KEY = "sync-pending";
const IDLE_CHECK_KEY = "idle-check-at";
const BUFFER_PREFIX = "buffer:";
const SYNC_RETRY_MS = 5_000;

/** Close codes the client can act on. */
const CLOSE_REPLACED = 4000;
const CLOSE_NOT_PARTICIPANT = 4403;
const CLOSE_CALL_OVER = 4410;
const CLOSE_SESSION_ENDED = 4001;

const sessionTag = (sessionId: string) => `session:${sessionId}`;

/**
 * One per call (name = call id): the authority on the call's state. Every transition is decided
 * here, one at a time, against the state in this object's storage, and only then mirrored to the
 * D1 record and pushed to both users' hubs and signalling sockets. The ring timeout is an alarm.
 * Each participant has at most one signalling socket: a second device connecting replaces the
 * first (last writer wins). Frames for a participant who is not connected are kept in storage
 * and delivered, in order, when they connect.
 */
export class CallSession extends Server<Env> {
  static override options = { hibernate: true };

  /** An upgrade runs in the trace its request carries, so the object's log lines join it. */
  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  #call: CallRecord | null | undefined;
  #syncChain: Promise<void> = Promise.resolve();
  #standings: SessionStandings | undefined;
  #budget: FrameBudget<"signal" | "ping"> | undefined;

  /** Whether each socket's session is still alive: checked on every frame from memory. */
  get #sessions(): SessionStandings {
    this.#standings ??= new SessionStandings((userId, sessionId) => sessionStanding(depsFor(this.env), userId, sessionId), configOf(this.env).realtime.sessionRecheckMs);
    return this.#standings;
  }

  get #frameBudget(): FrameBudget<"signal" | "ping"> {
    this.#budget ??= new FrameBudget({
      signal: configOf(this.env).rateLimits.callSignals,
      ping: configOf(this.env).rateLimits.socketPings,
    });
    return this.#budget;
  }

  async #load(): Promise<CallRecord | null> {
    if (this.#call === undefined) this.#call = (await this.ctx.storage.get<CallRecord>(CALL_KEY)) ?? null;
    return this.#call;
  }

  /** Creates the call (idempotent for the same id): decides ringing or busy, rings the callee. */
  async start(input: NewCall): Promise<StartResult> {
    const existing = await this.#load();
    if (existing) return existing.status === "busy" ? { ok: false, code: "busy", call: existing } : { ok: true, call: existing };

    await this.ctx.storage.put(STARTING_KEY, input);
    await this.ctx.storage.setAlarm(input.createdAt + ringTimeoutSeconds(this.env) * 1000);
    const status = await insertCallRecord(createDatabase(this.env.DB), input);
    const raced = await this.#load();
    if (raced) return raced.status === "busy" ? { ok: false, code: "busy", call: raced } : { ok: true, call: raced };
    if (status === null) {
      await this.ctx.storage.delete(STARTING_KEY);
      await this.ctx.storage.deleteAlarm();
      return { ok: false, code: "already_in_call" };
    }

    const call: CallRecord = {
      ...input,
      status,
      answeredAt: null,
      endedAt: status === "busy" ? input.createdAt : null,
      durationSeconds: null,
      endedBy: null,
    };
    this.#call = call;
    await this.ctx.storage.put(CALL_KEY, call);
    await this.ctx.storage.delete(STARTING_KEY);
    if (status === "busy") {
      metrics.count("calls_total", { outcome: "busy" });
      await this.ctx.storage.deleteAlarm();
      await this.#sync();
      await this.#notifyHubs(call, "call.state");
      return { ok: false, code: "busy", call };
    }
    logEvent("info", "call ringing", { callId: call.id, callerId: call.callerId, calleeId: call.calleeId });
    await this.#notifyHubs(call, "call.incoming");
    return { ok: true, call };
  }

  async accept(userId: string): Promise<TransitionResult> {
    return this.#apply({ kind: "accept", userId });
  }

  async reject(userId: string): Promise<TransitionResult> {
    return this.#apply({ kind: "reject", userId });
  }

  async end(userId: string): Promise<TransitionResult> {
    return this.#apply({ kind: "end", userId });
  }

  async current(): Promise<CallRecord | null> {
    return this.#load();
  }

  /**
   * Applies one action. The decision and the storage write happen with no other I/O in between,
   * so two actions arriving together (accept and hang-up) are ordered and the second one sees the
   * state the first produced.
   */
  async #apply(action: CallAction): Promise<TransitionResult> {
    const call = await this.#load();
    if (!call) return { ok: false, status: 404, code: "not_found", detail: "No such call" };
    const result = applyCallAction(call, action, clock.now());
    if (!result.ok || !result.changed) return result;

    this.#call = result.call;
    await this.ctx.storage.put(CALL_KEY, result.call);
    if (result.call.status === "answered") await this.ctx.storage.put(IDLE_CHECK_KEY, clock.now() + ABANDONED_CALL_GRACE_MS);
    if (!isActive(result.call.status)) {
      metrics.count("calls_total", { outcome: result.call.status });
      scheduleMetricsFlush(depsFor(this.env));
      await this.#dropBuffers();
    }
    await this.#scheduleAlarm();

    await this.#sync();
    await this.#pushState(result.call);
    return result;
  }

  /** Mirrors the current state into D1 (record + metrics); serialised so D1 ends at the last state. */
  async #sync(): Promise<void> {
    const run = this.#syncChain.then(async () => {
      const call = this.#call;
      if (!call) return;
      try {
        await syncCallRecord(createDatabase(this.env.DB), call);
        await this.ctx.storage.delete(SYNC_PENDING_KEY);
      } catch (error) {
        logEvent("error", "call D1 sync failed, retrying from the alarm", { callId: call.id, error: String(error) });
        await this.ctx.storage.put(SYNC_PENDING_KEY, clock.now() + SYNC_RETRY_MS);
      }
      await this.#scheduleAlarm();
    });
    this.#syncChain = run.catch(() => undefined);
    await run;
  }

  /** One alarm serves the ring deadline, the abandoned-call check and D1 sync retries: the earliest wins. */
  async #scheduleAlarm(): Promise<void> {
    const call = await this.#load();
    const times: number[] = [];
    const syncAt = await this.ctx.storage.get<number>(SYNC_PENDING_KEY);
    if (syncAt !== undefined) times.push(syncAt);
    if (call?.status === "ringing") times.push(call.createdAt + ringTimeoutSeconds(this.env) * 1000);
    if (call?.status === "answered") {
      const idleAt = await this.ctx.storage.get<number>(IDLE_CHECK_KEY);
      if (idleAt !== undefined) times.push(idleAt);
    }
    if (!call && (await this.ctx.storage.get(STARTING_KEY))) return;
    if (times.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.min(...times));
  }

  override async onAlarm(): Promise<void> {
    const call = await this.#load();
    if (!call) {
      // The call was inserted in D1 but this object stopped before recording it: end it there.
      const starting = await this.ctx.storage.get<NewCall>(STARTING_KEY);
      if (starting) {
        await markStartingCallMissed(createDatabase(this.env.DB), starting.id, clock.now());
        await this.ctx.storage.delete(STARTING_KEY);
      }
      return;
    }
    const now = clock.now();
    if (call.status === "ringing" && now >= call.createdAt + ringTimeoutSeconds(this.env) * 1000) {
      await this.#apply({ kind: "ring_timeout" });
      return;
    }
    if (call.status === "answered") {
      const idleAt = await this.ctx.storage.get<number>(IDLE_CHECK_KEY);
      if (idleAt !== undefined && now >= idleAt) {
        if (this.#participantSockets().length === 0) {
          await this.#apply({ kind: "abandoned" });
          return;
        }
        await this.ctx.storage.delete(IDLE_CHECK_KEY);
      }
    }
    if ((await this.ctx.storage.get(SYNC_PENDING_KEY)) !== undefined) await this.#sync();
    else await this.#scheduleAlarm();
  }

  async #notifyHubs(call: CallRecord, calleeFrameType: "call.incoming" | "call.state"): Promise<void> {
    const publicCall = toPublicCall(call);
    const results = await Promise.allSettled([
      traced(this.env.USER_HUB.getByName(call.calleeId)).notify({ type: calleeFrameType, call: publicCall }),
      traced(this.env.USER_HUB.getByName(call.callerId)).notify({ type: "call.state", call: publicCall }),
    ]);
    for (const result of results) {
      if (result.status === "rejected") logEvent("warn", "call hub notification failed", { callId: call.id, error: String(result.reason) });
    }
  }

  /** Tells both users' devices and both signalling sockets; a finished call closes its sockets. */
  async #pushState(call: CallRecord): Promise<void> {
    const frame = JSON.stringify({ type: "call.state", call: toPublicCall(call) });
    for (const connection of this.#participantSockets()) {
      try {
        connection.send(frame);
        if (!isActive(call.status)) connection.close(CLOSE_CALL_OVER, "call over");
      } catch {
        // a socket already closing misses nothing it could still use
      }
    }
    await this.#notifyHubs(call, "call.state");
  }

  #participantSockets(userId?: string): Connection<ParticipantState>[] {
    const call = this.#call;
    const sockets: Connection<ParticipantState>[] = [];
    for (const connection of this.getConnections<ParticipantState>(userId)) {
      const owner = connection.state?.userId;
      if (owner && call && isParticipant(call, owner) && connection.readyState === WebSocket.OPEN) sockets.push(connection);
    }
    return sockets;
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [principal.userId, sessionTag(principal.sessionId)] : [];
  }

  /** These sessions ended (pushed by the user's hub): their sockets close. */
  async sessionsEnded(sessionIds: string[]): Promise<void> {
    this.#sessions.end(sessionIds, clock.now());
    for (const sessionId of sessionIds) for (const connection of this.getConnections(sessionTag(sessionId))) this.#closeEnded(connection);
  }

  async userChanged(userId: string): Promise<void> {
    this.#sessions.forgetUser(userId);
  }

  #closeEnded(connection: Connection): void {
    connection.send(errorFrame("session_ended", "The session of this socket has ended"));
    connection.close(CLOSE_SESSION_ENDED, "session ended");
  }

  override async onConnect(connection: Connection<ParticipantState>, context: ConnectionContext): Promise<void> {
    const principal = principalFromUpgrade(context.request);
    const call = await this.#load();
    if (!principal || !call || !isParticipant(call, principal.userId)) {
      connection.close(CLOSE_NOT_PARTICIPANT, "not a participant of this call");
      return;
    }
    const callState = JSON.stringify({ type: "call.state", call: toPublicCall(call) });
    if (!isActive(call.status)) {
      connection.send(callState);
      connection.close(CLOSE_CALL_OVER, "call over");
      return;
    }
    if (this.#sessions.isEnded(principal.sessionId)) {
      this.#closeEnded(connection);
      return;
    }
    this.#sessions.trust(principal.sessionId, { userId: principal.userId, role: principal.role }, clock.now());
    for (const previous of this.getConnections<ParticipantState>(principal.userId)) {
      if (previous.id !== connection.id) previous.close(CLOSE_REPLACED, "replaced by another device");
    }
    connection.setState({ userId: principal.userId, sessionId: principal.sessionId });
    connection.send(callState);

    const buffered = await this.ctx.storage.list<string>({ prefix: `${BUFFER_PREFIX}${principal.userId}:` });
    for (const frame of buffered.values()) connection.send(frame);
    if (buffered.size > 0) await this.ctx.storage.delete([...buffered.keys()]);
  }

  override async onMessage(connection: Connection<ParticipantState>, message: string | ArrayBuffer): Promise<void> {
    const state = connection.state;
    if (state) {
      const checked = this.#sessions.current(state.userId, state.sessionId, clock.now());
      if (!(checked instanceof Promise ? await checked : checked)) {
        this.#closeEnded(connection);
        return;
      }
    }
    const parsed = parseFrame(message, SignallingFrames);
    if (!parsed.ok) {
      connection.send(errorFrame(parsed.code, parsed.detail));
      return;
    }
    const frame = parsed.frame;
    if (state && frame.type !== "hangup") {
      const wait = this.#frameBudget.take(frame.type === "ping" ? "ping" : "signal", state.userId, clock.now());
      if (wait > 0) {
        connection.send(JSON.stringify({ type: "error", code: "rate_limited", detail: "Too many signalling frames; slow down", retryAfter: wait }));
        return;
      }
    }
    if (frame.type === "ping") {
      connection.send(JSON.stringify({ type: "pong" }));
      return;
    }
    const call = await this.#load();
    const userId = connection.state?.userId;
    if (!call || !userId || !isParticipant(call, userId)) {
      connection.close(CLOSE_NOT_PARTICIPANT, "not a participant of this call");
      return;
    }
    if (frame.type === "hangup") {
      await this.#apply({ kind: "end", userId });
      return;
    }
    if (!isActive(call.status)) {
      connection.send(errorFrame("call_over", `The call is ${call.status}`));
      return;
    }
    await this.#relay(call, userId, JSON.stringify({ ...frame, from: userId }), connection);
  }

  async #relay(call: CallRecord, from: string, text: string, sender: Connection<ParticipantState>): Promise<void> {
    const to = otherParticipant(call, from);
    const sockets = this.#participantSockets(to);
    if (sockets.length > 0) {
      for (const socket of sockets) socket.send(text);
      return;
    }
    const prefix = `${BUFFER_PREFIX}${to}:`;
    const held = await this.ctx.storage.list({ prefix });
    if (held.size >= MAX_BUFFERED_FRAMES) {
      sender.send(errorFrame("peer_buffer_full", "The other participant is not connected and too many frames are waiting"));
      return;
    }
    // Keys sort in arrival order: the sequence number is zero-padded.
    await this.ctx.storage.put(`${prefix}${String(held.size).padStart(4, "0")}`, text);
  }

  async #dropBuffers(): Promise<void> {
    const held = await this.ctx.storage.list({ prefix: BUFFER_PREFIX });
    if (held.size > 0) await this.ctx.storage.delete([...held.keys()]);
  }

  override async onClose(connection: Connection<ParticipantState>): Promise<void> {
    const call = await this.#load();
    if (call?.status !== "answered") return;
    const remaining = this.#participantSockets().filter((socket) => socket.id !== connection.id);
    if (remaining.length === 0) {
      await this.ctx.storage.put(IDLE_CHECK_KEY, clock.now() + ABANDONED_CALL_GRACE_MS);
      await this.#scheduleAlarm();
    }
  }

  /** A method call that carries the caller's trace (see shared/observability/traced-stub.ts). */
  async traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
    return runTracedMethod(this, carrier, method, args);
  }
}
