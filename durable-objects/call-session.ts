import { durableState } from "../shared/platform/durable-state-export";
import type { DurableStateReply, DurableStateRequest } from "../shared/platform/durable-state-rpc";
import type { Connection, ConnectionContext } from "partyserver";
import { SocketServer } from "../shared/realtime/socket-server";
import { depsFor } from "../workers/realtime/composition";
import { ABANDONED_CALL_GRACE_MS, type CallRecord, isActive, isParticipant, otherParticipant, toPublicCall } from "../shared/calls/call";
import { CallDeadlines } from "../shared/calls/call-deadlines";
import { insertCallRecord, markStartingCallMissed, type NewCall, syncCallRecord } from "../shared/calls/records";
import { SignalBuffer } from "../shared/calls/signal-buffer";
import { SignallingFrames } from "../shared/calls/signalling";
import { type CallAction, applyCallAction, type TransitionResult } from "../shared/calls/state-machine";
import type { CallSessionRpc } from "../shared/calls/call-session-rpc";
import { type Result, refusal } from "../shared/platform/result";
import { sessionStanding } from "../shared/identity/sessions/standing";
import { parseFrame } from "../shared/realtime/frames";
import { closeSocket, errorFrame, SocketGuard } from "../shared/realtime/socket-kit";
import { principalFromUpgrade } from "../shared/realtime/upgrade";
import { logEvent } from "../shared/observability/log";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod } from "../shared/observability/traced-stub";
import { metrics, scheduleMetricsFlush } from "../shared/observability/metrics";
import type { PushEvent } from "../shared/push/events";

interface ParticipantState {
  userId: string;
  sessionId: string;
}

const CALL_KEY = "call";
/** A call being created: set before the D1 insert so a crash in between is cleaned up by the alarm. */
const STARTING_KEY = "starting";
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
 * D1 record and pushed to both users' hubs and signalling sockets. Its deadlines (ring timeout,
 * abandoned-call check, D1 sync retry) share the one alarm (`CallDeadlines`). Each participant has
 * at most one signalling socket: a second device connecting replaces the first (last writer
 * wins). Frames for a participant who is not connected are kept (`SignalBuffer`) and delivered,
 * in order, when they connect.
 */
export class CallSession extends SocketServer implements CallSessionRpc {
  static override options = { hibernate: true };

  /** An upgrade runs in the trace its request carries, so the object's log lines join it. */
  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  private readonly deps = depsFor(this.env);
  readonly #ringTimeoutMs = this.deps.config.calls.ringTimeoutSeconds * 1000;
  readonly #deadlines = new CallDeadlines(this.ctx.storage, this.deps.clock);
  readonly #signals = new SignalBuffer(this.ctx.storage);
  #call: CallRecord | null | undefined;
  #syncChain: Promise<void> = Promise.resolve();
  /** Whether each socket's session is still alive (checked on every frame from memory), and the frame budgets. */
  readonly #guard = new SocketGuard<"signal" | "ping">(
    (userId, sessionId) => sessionStanding(this.deps, userId, sessionId),
    this.deps.config.realtime.sessionRecheckMs,
    {
      signal: this.deps.config.rateLimits.callSignals,
      ping: this.deps.config.rateLimits.socketPings,
    },
  );

  async #load(): Promise<CallRecord | null> {
    if (this.#call === undefined) this.#call = (await this.ctx.storage.get<CallRecord>(CALL_KEY)) ?? null;
    return this.#call;
  }

  /** Creates the call (idempotent for the same id): decides ringing or busy, rings the callee. */
  async start(input: NewCall): Promise<Result<CallRecord>> {
    const existing = await this.#load();
    if (existing) return started(existing);

    await this.ctx.storage.put(STARTING_KEY, input);
    // Also what ends the call in D1 if this object stops between the insert and storing the call.
    await this.#deadlines.schedule("ring", input.createdAt + this.#ringTimeoutMs);
    const status = await insertCallRecord(this.deps.db, input);
    const raced = await this.#load();
    if (raced) return started(raced);
    if (status === null) {
      await this.ctx.storage.delete(STARTING_KEY);
      await this.#deadlines.cancel("ring");
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
      await this.#deadlines.cancel("ring");
      await this.#sync();
      await this.#notifyHubs(call, "call.state");
      return busy(call);
    }
    logEvent("info", "call ringing", { callId: call.id, callerId: call.callerId, calleeId: call.calleeId });
    await this.#notifyHubs(call, "call.incoming");
    await this.#queuePush({
      type: "call.incoming",
      callId: call.id,
      callerId: call.callerId,
      calleeId: call.calleeId,
      callType: call.type,
      createdAt: call.createdAt,
      ringsUntil: call.createdAt + this.#ringTimeoutMs,
    });
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
    const now = this.deps.clock.now();
    const result = applyCallAction(call, action, now);
    if (!result.ok || !result.changed) return result;

    this.#call = result.call;
    await this.ctx.storage.put(CALL_KEY, result.call);
    // The call stopped ringing: answered, it is checked for abandonment; over, it waits for nothing.
    if (result.call.status === "answered") {
      await this.#deadlines.cancel("ring");
      await this.#deadlines.schedule("abandoned", now + ABANDONED_CALL_GRACE_MS);
    }
    if (!isActive(result.call.status)) {
      metrics.count("calls_total", { outcome: result.call.status });
      scheduleMetricsFlush(this.deps);
      await this.#signals.clear();
      await this.#deadlines.cancel("ring", "abandoned");
    }

    await this.#sync();
    await this.#pushState(result.call);
    // Answered, rejected, cancelled or missed: every device the ring reached stops ringing.
    if (call.status === "ringing" && result.call.status !== "ringing") {
      await this.#queuePush({ type: "call.stop", callId: call.id, callerId: call.callerId, calleeId: call.calleeId, status: result.call.status });
    }
    return result;
  }

  /** Mirrors the current state into D1 (record + metrics); serialised so D1 ends at the last state. */
  async #sync(): Promise<void> {
    const run = this.#syncChain.then(async () => {
      const call = this.#call;
      if (!call) return;
      try {
        await syncCallRecord(this.deps.db, call);
        await this.#deadlines.cancel("sync");
      } catch (error) {
        logEvent("error", "call D1 sync failed, retrying from the alarm", { callId: call.id, error: String(error) });
        await this.#deadlines.schedule("sync", this.deps.clock.now() + SYNC_RETRY_MS);
      }
    });
    this.#syncChain = run.catch(() => undefined);
    await run;
  }

  /** The alarm: each deadline that has come is handled (which cancels or moves it), then the alarm is set at the next. */
  override async onAlarm(): Promise<void> {
    const due = await this.#deadlines.due();
    if (due.includes("ring")) await this.#ringTimedOut();
    if (due.includes("abandoned")) await this.#abandonmentCheck();
    // A transition above has synced already; otherwise a failed sync is retried.
    if ((await this.#deadlines.due()).includes("sync")) await this.#sync();
    await this.#deadlines.rearm();
  }

  /** A call still ringing is missed. One inserted in D1 but never stored here (the object stopped in between) is ended there. */
  async #ringTimedOut(): Promise<void> {
    const call = await this.#load();
    if (call?.status === "ringing") {
      await this.#apply({ kind: "ring_timeout" });
      return;
    }
    const starting = call ? undefined : await this.ctx.storage.get<NewCall>(STARTING_KEY);
    if (starting) {
      await markStartingCallMissed(this.deps.db, starting.id, this.deps.clock.now());
      await this.ctx.storage.delete(STARTING_KEY);
    }
    await this.#deadlines.cancel("ring");
  }

  /** An answered call whose participants all left the signalling socket for the grace period is ended. */
  async #abandonmentCheck(): Promise<void> {
    const call = await this.#load();
    if (call?.status === "answered" && this.#participantSockets().length === 0) {
      await this.#apply({ kind: "abandoned" });
      return;
    }
    await this.#deadlines.cancel("abandoned");
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

  /** The callee's push devices ring, or stop (docs/notifications.md); a queue failure is logged, never the caller's. */
  async #queuePush(event: Extract<PushEvent, { callId: string }>): Promise<void> {
    try {
      await this.deps.queue.send({ kind: "push.fanout", event });
    } catch (error) {
      logEvent("error", "queueing a call push failed", { callId: event.callId, type: event.type, error: String(error) });
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
    this.#guard.sessionsEnded(sessionIds, this.deps.clock.now(), (sessionId) => this.getConnections(sessionTag(sessionId)));
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
    if (!this.#guard.admit(connection, principal, this.deps.clock.now())) return;
    for (const previous of this.getConnections<ParticipantState>(principal.userId)) {
      if (previous.id !== connection.id) closeSocket(previous, "replaced");
    }
    connection.setState({ userId: principal.userId, sessionId: principal.sessionId });
    connection.send(callState);

    await this.#signals.deliver(principal.userId, (frame) => connection.send(frame));
  }

  override async onMessage(connection: Connection<ParticipantState>, message: string | ArrayBuffer): Promise<void> {
    const state = connection.state;
    if (state) {
      const checked = this.#guard.standing(connection, state, this.deps.clock.now());
      if (!(checked instanceof Promise ? await checked : checked)) return;
    }
    const parsed = parseFrame(message, SignallingFrames);
    if (!parsed.ok) {
      connection.send(errorFrame(parsed.code, parsed.detail));
      return;
    }
    const frame = parsed.frame;
    if (
      state &&
      frame.type !== "hangup" &&
      !this.#guard.takeFrame(
        connection,
        frame.type === "ping" ? "ping" : "signal",
        state.userId,
        this.deps.clock.now(),
        "Too many signalling frames; slow down",
      )
    )
      return;
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
    if (!(await this.#signals.hold(to, text))) {
      sender.send(errorFrame("peer_buffer_full", "The other participant is not connected and too many frames are waiting"));
    }
  }

  override async onClose(connection: Connection<ParticipantState>): Promise<void> {
    const call = await this.#load();
    if (call?.status !== "answered") return;
    const remaining = this.#participantSockets().filter((socket) => socket.id !== connection.id);
    if (remaining.length === 0) await this.#deadlines.schedule("abandoned", this.deps.clock.now() + ABANDONED_CALL_GRACE_MS);
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
