import { type Connection, type ConnectionContext, Server } from "partyserver";
import { depsFor } from "../shared/platform/deps";
import {
  ABANDONED_CALL_GRACE_MS,
  type CallRecord,
  isActive,
  isParticipant,
  otherParticipant,
  toPublicCall,
} from "../shared/calls/call";
import { insertCallRecord, markStartingCallMissed, type NewCall, syncCallRecord } from "../shared/calls/records";
import { MAX_BUFFERED_FRAMES, SignallingFrames } from "../shared/calls/signalling";
import { type CallAction, applyCallAction, type TransitionResult } from "../shared/calls/state-machine";
import type { CallSessionRpc } from "../shared/calls/call-session-rpc";
import { type Result, refusal } from "../shared/platform/result";
import { clock } from "../shared/clock";
import type { Env } from "../shared/env";
import { sessionStanding } from "../shared/identity/sessions/principal";
import { parseFrame } from "../shared/realtime/frames";
import { closeSocket, errorFrame, SocketGuard } from "../shared/realtime/socket-kit";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import { logEvent } from "../shared/observability/log";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod } from "../shared/observability/traced-stub";
import { metrics, scheduleMetricsFlush } from "../shared/observability/metrics";

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

const sessionTag = (sessionId: string) => `session:${sessionId}`;

/** A call refused as busy carries the call, so the caller sees whom they could not reach. */
const busy = (call: CallRecord) => refusal(409, "busy", "The callee is in another call", { extra: { call: toPublicCall(call) } });
const started = (call: CallRecord): Result<CallRecord> => (call.status === "busy" ? busy(call) : { ok: true, value: call });

/** A transition as the caller sees it: the call, or the refusal carrying the call it was refused against. */
function transitionAnswer(result: TransitionResult): Result<CallRecord> {
  if (result.ok) return { ok: true, value: result.call };
  return refusal(result.status, result.code, result.detail, result.call ? { extra: { call: toPublicCall(result.call) } } : {});
}

/**
 * One per call (name = call id): the authority on the call's state. Every transition is decided
 * here, one at a time, against the state in this object's storage, and only then mirrored to the
 * D1 record and pushed to both users' hubs and signalling sockets. The ring timeout is an alarm.
 * Each participant has at most one signalling socket: a second device connecting replaces the
 * first (last writer wins). Frames for a participant who is not connected are kept in storage
 * and delivered, in order, when they connect.
 */
export class CallSession extends Server<Env> implements CallSessionRpc {
  static override options = { hibernate: true };

  /** An upgrade runs in the trace its request carries, so the object's log lines join it. */
  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  private readonly deps = depsFor(this.env);
  readonly #ringTimeoutMs = this.deps.config.calls.ringTimeoutSeconds * 1000;
  #call: CallRecord | null | undefined;
  #syncChain: Promise<void> = Promise.resolve();
  /** Whether each socket's session is still alive (checked on every frame from memory), and the frame budgets. */
  readonly #guard = new SocketGuard<"signal" | "ping">((userId, sessionId) => sessionStanding(this.deps, userId, sessionId), this.deps.config.realtime.sessionRecheckMs, {
    signal: this.deps.config.rateLimits.callSignals,
    ping: this.deps.config.rateLimits.socketPings,
  });

  async #load(): Promise<CallRecord | null> {
    if (this.#call === undefined) this.#call = (await this.ctx.storage.get<CallRecord>(CALL_KEY)) ?? null;
    return this.#call;
  }

  /** Creates the call (idempotent for the same id): decides ringing or busy, rings the callee. */
  async start(input: NewCall): Promise<Result<CallRecord>> {
    const existing = await this.#load();
    if (existing) return started(existing);

    await this.ctx.storage.put(STARTING_KEY, input);
    await this.ctx.storage.setAlarm(input.createdAt + this.#ringTimeoutMs);
    const status = await insertCallRecord(this.deps.db, input);
    const raced = await this.#load();
    if (raced) return started(raced);
    if (status === null) {
      await this.ctx.storage.delete(STARTING_KEY);
      await this.ctx.storage.deleteAlarm();
      return refusal(409, "already_in_call", "You are already in a call; end it first");
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
      return busy(call);
    }
    logEvent("info", "call ringing", { callId: call.id, callerId: call.callerId, calleeId: call.calleeId });
    await this.#notifyHubs(call, "call.incoming");
    return { ok: true, value: call };
  }

  async accept(userId: string): Promise<Result<CallRecord>> {
    return transitionAnswer(await this.#apply({ kind: "accept", userId }));
  }

  async reject(userId: string): Promise<Result<CallRecord>> {
    return transitionAnswer(await this.#apply({ kind: "reject", userId }));
  }

  async end(userId: string): Promise<Result<CallRecord>> {
    return transitionAnswer(await this.#apply({ kind: "end", userId }));
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
      scheduleMetricsFlush(this.deps);
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
        await syncCallRecord(this.deps.db, call);
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
    if (call?.status === "ringing") times.push(call.createdAt + this.#ringTimeoutMs);
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
        await markStartingCallMissed(this.deps.db, starting.id, clock.now());
        await this.ctx.storage.delete(STARTING_KEY);
      }
      return;
    }
    const now = clock.now();
    if (call.status === "ringing" && now >= call.createdAt + this.#ringTimeoutMs) {
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
      this.deps.objects.userHub(call.calleeId).notify({ type: calleeFrameType, call: publicCall }),
      this.deps.objects.userHub(call.callerId).notify({ type: "call.state", call: publicCall }),
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
        if (!isActive(call.status)) closeSocket(connection, "call_over");
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
    this.#guard.sessionsEnded(sessionIds, clock.now(), (sessionId) => this.getConnections(sessionTag(sessionId)));
  }

  async userChanged(userId: string): Promise<void> {
    this.#guard.userChanged(userId);
  }

  override async onConnect(connection: Connection<ParticipantState>, context: ConnectionContext): Promise<void> {
    const principal = principalFromUpgrade(context.request);
    const call = await this.#load();
    if (!principal) {
      closeSocket(connection, "unauthenticated");
      return;
    }
    if (!call || !isParticipant(call, principal.userId)) {
      closeSocket(connection, "not_a_member");
      return;
    }
    const callState = JSON.stringify({ type: "call.state", call: toPublicCall(call) });
    if (!isActive(call.status)) {
      connection.send(callState);
      closeSocket(connection, "call_over");
      return;
    }
    if (!this.#guard.admit(connection, principal, clock.now())) return;
    for (const previous of this.getConnections<ParticipantState>(principal.userId)) {
      if (previous.id !== connection.id) closeSocket(previous, "replaced");
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
      const checked = this.#guard.standing(connection, state, clock.now());
      if (!(checked instanceof Promise ? await checked : checked)) return;
    }
    const parsed = parseFrame(message, SignallingFrames);
    if (!parsed.ok) {
      connection.send(errorFrame(parsed.code, parsed.detail));
      return;
    }
    const frame = parsed.frame;
    if (state && frame.type !== "hangup" && !this.#guard.takeFrame(connection, frame.type === "ping" ? "ping" : "signal", state.userId, clock.now(), "Too many signalling frames; slow down")) return;
    if (frame.type === "ping") {
      connection.send(JSON.stringify({ type: "pong" }));
      return;
    }
    const call = await this.#load();
    const userId = connection.state?.userId;
    if (!call || !userId || !isParticipant(call, userId)) {
      closeSocket(connection, "not_a_member");
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
