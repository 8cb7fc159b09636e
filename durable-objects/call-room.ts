import type { Connection, ConnectionContext } from "partyserver";
import { SocketServer } from "../shared/realtime/socket-server";
import { CallDeadlines } from "../shared/calls/call-deadlines";
import type { CallRoomRpc } from "../shared/calls/call-room-rpc";
import { EMPTY_ROOM_GRACE_MS, type GroupCallRecord, type PublicGroupCall, toPublicGroupCall } from "../shared/calls/group-call";
import { GroupRoster } from "../shared/calls/group-roster";
import { GroupSignallingFrames } from "../shared/calls/group-signalling";
import { findDisplayName, syncGroupCall } from "../shared/calls/records";
import { isSfuFrame, type SfuServerFrame } from "../shared/calls/sfu/sfu-frames";
import { SfuGate, type SfuGateSnapshot } from "../shared/calls/sfu/sfu-gate";
import { closeRetired, forwardSfuFrame } from "../shared/calls/sfu/sfu-relay";
import { type MediaTopology, participantCap, topologyFor, topologyRulesOf } from "../shared/calls/topology";
import { hasMembership, listMemberIds } from "../shared/chat/records";
import { sessionStanding } from "../shared/identity/sessions/standing";
import { logEvent } from "../shared/observability/log";
import { metrics, scheduleMetricsFlush } from "../shared/observability/metrics";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { inRequestTrace, runTracedMethod } from "../shared/observability/traced-stub";
import { depsFor } from "../workers/realtime/composition";
import { type Result, refusal } from "../shared/platform/result";
import { groupCallRingees } from "../shared/push/audience";
import type { PushEvent } from "../shared/push/events";
import { parseFrame } from "../shared/realtime/frames";
import { closeSocket, errorFrame, SocketGuard } from "../shared/realtime/socket-kit";
import { principalFromUpgrade } from "../shared/realtime/upgrade";

interface ParticipantSocket {
  userId: string;
  sessionId: string;
}

type RoomDeadline = "ring" | "empty" | "sync";

const CALL_KEY = "call";
const ROSTER_KEY = "roster";
/** Who the start rang: their devices get the stop-ringing push when the call ends. */
const RANG_KEY = "rang";
const TOPOLOGY_KEY = "topology";
/** The SfuGate's sessions and publications, kept across hibernation. */
const SFU_KEY = "sfu";
const SYNC_RETRY_MS = 5_000;

const sessionTag = (sessionId: string) => `session:${sessionId}`;

/**
 * One per group call (name = call id): the authority on who is in the call. A participant is in
 * it while they have a socket here (one per participant: a second device replaces the first);
 * the room relays offer, answer and candidates between named participants (each pair negotiates
 * its own peer connection: a mesh), tells every socket and every member's hub who is in the call
 * on each change, and mirrors each participant's stretches into D1 (the call's record). The last
 * one to leave ends the call; a call nobody joins ends at the ring timeout; one whose last socket
 * dropped without `leave` waits `EMPTY_ROOM_GRACE_MS` for a reconnect. Deadlines share the one
 * alarm (`CallDeadlines`), the roster is the pure `GroupRoster`, the socket rules `SocketGuard`.
 *
 * When the call's topology is `sfu` (`topologyFor`: configured so, or a call that grew past the
 * mesh's cap) media goes through the SFU instead: the room forwards each participant's `sfu.*`
 * frame to it only after `SfuGate` allowed it, tells everyone what is published, and closes a
 * leaver's tracks.
 */
export class CallRoom extends SocketServer implements CallRoomRpc {
  static override options = { hibernate: true };

  override fetch(request: Request): Promise<Response> {
    return inRequestTrace(request, () => super.fetch(request));
  }

  private readonly deps = depsFor(this.env);
  readonly #rules = topologyRulesOf(this.deps.config.calls);
  readonly #cap = participantCap(this.#rules);
  readonly #deadlines = new CallDeadlines<RoomDeadline>(this.ctx.storage, this.deps.clock);
  #call: GroupCallRecord | null | undefined;
  #roster: GroupRoster | undefined;
  #topology: MediaTopology | undefined;
  #gate: SfuGate | undefined;
  #syncChain: Promise<void> = Promise.resolve();
  readonly #guard = new SocketGuard<"signal" | "ping">(
    (userId, sessionId) => sessionStanding(this.deps, userId, sessionId),
    this.deps.config.realtime.sessionRecheckMs,
    { signal: this.deps.config.rateLimits.callSignals, ping: this.deps.config.rateLimits.socketPings },
  );

  async #load(): Promise<{ call: GroupCallRecord | null; roster: GroupRoster; gate: SfuGate }> {
    if (this.#call === undefined) this.#call = (await this.ctx.storage.get<GroupCallRecord>(CALL_KEY)) ?? null;
    if (!this.#roster) this.#roster = new GroupRoster(this.#cap, await this.ctx.storage.get(ROSTER_KEY));
    if (!this.#topology) this.#topology = (await this.ctx.storage.get<MediaTopology>(TOPOLOGY_KEY)) ?? topologyFor(this.#rules, "mesh", 0);
    const roster = this.#roster;
    if (!this.#gate) this.#gate = new SfuGate((userId) => roster.has(userId), await this.ctx.storage.get<SfuGateSnapshot>(SFU_KEY));
    return { call: this.#call, roster, gate: this.#gate };
  }

  #public(call: GroupCallRecord, roster: GroupRoster): PublicGroupCall {
    return toPublicGroupCall(call, roster.entries(), this.#cap, this.#topology ?? "mesh");
  }

  /** After a join: a call that outgrew the mesh moves to the SFU (announced by the `room.state` that follows). */
  async #settleTopology(roster: GroupRoster): Promise<void> {
    const next = topologyFor(this.#rules, this.#topology ?? "mesh", roster.size);
    if (next === this.#topology) return;
    logEvent("info", "group call topology changed", { callId: this.#call?.id, from: this.#topology, to: next, participants: roster.size });
    this.#topology = next;
    await this.ctx.storage.put(TOPOLOGY_KEY, next);
  }

  #publishedFrame(gate: SfuGate): string {
    const frame: SfuServerFrame = {
      type: "sfu.published",
      tracks: gate.publications().map(({ userId, sessionId, trackName, kind }) => ({ userId, sessionId, trackName, kind })),
    };
    return JSON.stringify(frame);
  }

  /** `userId` is out of the call: the gate forgets their session and publications, the SFU closes their tracks, everyone hears. */
  async #retireFromSfu(userIds: readonly string[]): Promise<void> {
    const { gate } = await this.#load();
    const retired = userIds.flatMap((userId) => gate.participantLeft(userId));
    if (retired.length === 0) return;
    await this.ctx.storage.put(SFU_KEY, gate.snapshot());
    const frame = this.#publishedFrame(gate);
    for (const socket of this.#openSockets()) socket.send(frame);
    // The SFU's answer changes nothing here: the roster's change goes out without waiting for it.
    if (this.deps.sfu) this.ctx.waitUntil(closeRetired(this.deps.sfu, retired));
  }

  async start(input: GroupCallRecord): Promise<PublicGroupCall> {
    const { call: existing, roster } = await this.#load();
    if (existing) return this.#public(existing, roster);
    const call: GroupCallRecord = { ...input, status: "active", endedAt: null };
    this.#call = call;
    await this.ctx.storage.put(CALL_KEY, call);
    await this.ctx.storage.put(TOPOLOGY_KEY, this.#topology ?? "mesh");
    const ringsUntil = call.createdAt + this.deps.config.calls.ringTimeoutSeconds * 1000;
    await this.#deadlines.schedule("ring", ringsUntil);

    const members = (await listMemberIds(this.deps.db, [call.chatId])).get(call.chatId) ?? [];
    // Rung: the members whose settings let a call through (the push policy); the rest see it running.
    const recipients = await groupCallRingees(this.deps, call.chatId, call.startedBy);
    const rung = new Set(recipients);
    await this.ctx.storage.put(RANG_KEY, recipients);
    const publicCall = this.#public(call, roster);
    logEvent("info", "group call ringing", { callId: call.id, chatId: call.chatId, members: members.length, rung: recipients.length });
    metrics.count("group_calls_total", { type: call.type });
    await this.#notifyHubs(recipients, { type: "group_call.incoming", call: publicCall });
    await this.#notifyHubs(
      members.filter((id) => !rung.has(id)),
      { type: "group_call.state", call: publicCall },
    );
    await this.#queuePush({
      type: "group_call.incoming",
      callId: call.id,
      chatId: call.chatId,
      starterId: call.startedBy,
      recipientIds: recipients,
      callType: call.type,
      createdAt: call.createdAt,
      ringsUntil,
    });
    return publicCall;
  }

  async current(): Promise<PublicGroupCall | null> {
    const { call, roster } = await this.#load();
    return call ? this.#public(call, roster) : null;
  }

  async admission(userId: string): Promise<Result<PublicGroupCall>> {
    const { call, roster } = await this.#load();
    if (!call) return refusal(404, "not_found", "No such call");
    if (call.status !== "active") return refusal(409, "call_over", "The call has ended");
    if (!roster.has(userId) && roster.size >= this.#cap) return refusal(409, "call_full", `A group call holds at most ${this.#cap} people`);
    return { ok: true, value: this.#public(call, roster) };
  }

  async leave(userId: string): Promise<PublicGroupCall | null> {
    const { call, roster } = await this.#load();
    if (!call) return null;
    for (const socket of this.#socketsOf(userId)) closeSocket(socket, "left");
    if (call.status === "active") await this.#removeFromCall(userId, "left");
    return this.#public(this.#call ?? call, roster);
  }

  async membershipChanged(userIds: string[]): Promise<void> {
    const { call } = await this.#load();
    if (call?.status !== "active") return;
    for (const userId of new Set(userIds)) {
      if (await hasMembership(this.deps.db, call.chatId, userId)) continue;
      for (const socket of this.#socketsOf(userId)) closeSocket(socket, "not_a_member", "You are no longer a member of this chat");
      await this.#removeFromCall(userId, "removed");
    }
  }

  /** Takes `userId` out of the roster; an empty roster ends the call (`left`, `removed`) or waits for a reconnect (`dropped`). */
  async #removeFromCall(userId: string, why: "left" | "removed" | "dropped"): Promise<void> {
    const { call, roster } = await this.#load();
    if (call?.status !== "active" || !roster.leave(userId, this.deps.clock.now())) return;
    await this.ctx.storage.put(ROSTER_KEY, roster.snapshot());
    logEvent("info", "group call participant left", { callId: call.id, userId, why, remaining: roster.size });
    await this.#retireFromSfu([userId]);
    if (roster.size === 0) {
      if (why === "dropped") await this.#deadlines.schedule("empty", this.deps.clock.now() + EMPTY_ROOM_GRACE_MS);
      else {
        await this.#end();
        return;
      }
    }
    await this.#changed();
  }

  /** Ends the call: everyone is out, D1 records it, every socket is told and closed, the ring stops. */
  async #end(): Promise<void> {
    const { call, roster } = await this.#load();
    if (call?.status !== "active") return;
    const now = this.deps.clock.now();
    roster.leaveAll(now);
    await this.#retireFromSfu((await this.#load()).gate.participants());
    const ended: GroupCallRecord = { ...call, status: "ended", endedAt: now };
    this.#call = ended;
    await this.ctx.storage.put(CALL_KEY, ended);
    await this.ctx.storage.put(ROSTER_KEY, roster.snapshot());
    await this.#deadlines.cancel("ring", "empty");
    logEvent("info", "group call ended", { callId: call.id, chatId: call.chatId, participants: new Set(roster.stretches().map((s) => s.userId)).size });
    metrics.count("group_calls_ended_total", { joined: roster.everJoined ? "yes" : "no" });
    scheduleMetricsFlush(this.deps);
    await this.#changed();
    for (const socket of this.getConnections()) closeSocket(socket, "call_over");
    const rang = (await this.ctx.storage.get<string[]>(RANG_KEY)) ?? [];
    await this.#queuePush({ type: "group_call.stop", callId: call.id, chatId: call.chatId, starterId: call.startedBy, recipientIds: rang });
  }

  /** After every change: D1 mirrors it, every socket gets `room.state`, every member's hub `group_call.state`. */
  async #changed(): Promise<void> {
    const { call, roster } = await this.#load();
    if (!call) return;
    await this.#sync();
    const publicCall = this.#public(call, roster);
    const frame = JSON.stringify({ type: "room.state", call: publicCall });
    for (const socket of this.#openSockets()) socket.send(frame);
    const members = (await listMemberIds(this.deps.db, [call.chatId])).get(call.chatId) ?? [];
    // Someone dropped from the chat is no longer a member, but their devices must still learn they are out.
    const told = new Set([...members, ...roster.stretches().map((s) => s.userId)]);
    await this.#notifyHubs([...told], { type: "group_call.state", call: publicCall });
  }

  /** Mirrors the call and its stretches into D1; serialised, retried from the alarm on failure. */
  async #sync(): Promise<void> {
    const run = this.#syncChain.then(async () => {
      const { call, roster } = await this.#load();
      if (!call) return;
      try {
        await syncGroupCall(this.deps.db, call, roster.stretches());
        await this.#deadlines.cancel("sync");
      } catch (error) {
        logEvent("error", "group call D1 sync failed, retrying from the alarm", { callId: call.id, error: String(error) });
        await this.#deadlines.schedule("sync", this.deps.clock.now() + SYNC_RETRY_MS);
      }
    });
    this.#syncChain = run.catch(() => undefined);
    await run;
  }

  override async onAlarm(): Promise<void> {
    const due = await this.#deadlines.due();
    const { roster } = await this.#load();
    if (due.includes("ring")) {
      await this.#deadlines.cancel("ring");
      // Ringing stops; a call nobody joined is over.
      if (roster.size === 0) await this.#end();
    }
    if (due.includes("empty")) {
      await this.#deadlines.cancel("empty");
      if (roster.size === 0) await this.#end();
    }
    if ((await this.#deadlines.due()).includes("sync")) await this.#sync();
    await this.#deadlines.rearm();
  }

  async #notifyHubs(userIds: string[], frame: { type: "group_call.incoming" | "group_call.state"; call: PublicGroupCall }): Promise<void> {
    const results = await Promise.allSettled(userIds.map((userId) => this.deps.objects.userHub(userId).notify(frame)));
    const failed = results.filter((result) => result.status === "rejected").length;
    if (failed > 0) logEvent("warn", "group call hub notifications failed", { callId: frame.call.id, failed });
  }

  async #queuePush(event: Extract<PushEvent, { type: "group_call.incoming" | "group_call.stop" }>): Promise<void> {
    if (event.recipientIds.length === 0) return;
    try {
      await this.deps.queue.send({ kind: "push.fanout", event });
    } catch (error) {
      logEvent("error", "queueing a group call push failed", { callId: event.callId, type: event.type, error: String(error) });
    }
  }

  #openSockets(): Connection<ParticipantSocket>[] {
    return [...this.getConnections<ParticipantSocket>()].filter((socket) => socket.state?.userId && socket.readyState === WebSocket.OPEN);
  }

  #socketsOf(userId: string): Connection<ParticipantSocket>[] {
    return [...this.getConnections<ParticipantSocket>(userId)];
  }

  override getConnectionTags(_connection: Connection, context: ConnectionContext): string[] {
    const principal = principalFromUpgrade(context.request);
    return principal ? [principal.userId, sessionTag(principal.sessionId)] : [];
  }

  async sessionsEnded(sessionIds: string[]): Promise<void> {
    this.#guard.sessionsEnded(sessionIds, this.deps.clock.now(), (sessionId) => this.getConnections(sessionTag(sessionId)));
  }

  async userChanged(userId: string): Promise<void> {
    this.#guard.userChanged(userId);
  }

  override async onConnect(connection: Connection<ParticipantSocket>, context: ConnectionContext): Promise<void> {
    const principal = principalFromUpgrade(context.request);
    if (!principal) {
      closeSocket(connection, "unauthenticated");
      return;
    }
    const { call, roster } = await this.#load();
    if (!call || !(await hasMembership(this.deps.db, call.chatId, principal.userId))) {
      closeSocket(connection, "not_a_member", "Only members of the chat join its call");
      return;
    }
    if (call.status !== "active") {
      connection.send(JSON.stringify({ type: "room.state", call: this.#public(call, roster) }));
      closeSocket(connection, "call_over");
      return;
    }
    if (!this.#guard.admit(connection, principal, this.deps.clock.now())) return;
    const name = (await findDisplayName(this.deps.db, principal.userId)) ?? "Someone";
    const joined = roster.join(principal.userId, name, this.deps.clock.now(), { audio: true, video: call.type === "video" });
    if (!joined.ok) {
      closeSocket(connection, "call_full", `A group call holds at most ${this.#cap} people`);
      return;
    }
    for (const previous of this.#socketsOf(principal.userId)) {
      if (previous.id !== connection.id) closeSocket(previous, "replaced");
    }
    // Set before the replaced socket's close is handled, so that close does not take its user out of the call.
    connection.setState({ userId: principal.userId, sessionId: principal.sessionId });
    const { gate } = await this.#load();
    if (joined.already) {
      connection.send(JSON.stringify({ type: "room.state", call: this.#public(call, roster) }));
      if (this.#topology === "sfu") connection.send(this.#publishedFrame(gate));
      return;
    }
    await this.ctx.storage.put(ROSTER_KEY, roster.snapshot());
    await this.#deadlines.cancel("empty");
    await this.#settleTopology(roster);
    await this.#changed();
    if (this.#topology === "sfu") connection.send(this.#publishedFrame(gate));
  }

  override async onMessage(connection: Connection<ParticipantSocket>, message: string | ArrayBuffer): Promise<void> {
    const state = connection.state;
    if (!state?.userId) return;
    const checked = this.#guard.standing(connection, state, this.deps.clock.now());
    if (!(checked instanceof Promise ? await checked : checked)) return;
    const parsed = parseFrame(message, GroupSignallingFrames);
    if (!parsed.ok) {
      connection.send(errorFrame(parsed.code, parsed.detail));
      return;
    }
    const frame = parsed.frame;
    const now = this.deps.clock.now();
    if (frame.type === "leave") {
      closeSocket(connection, "left");
      await this.#removeFromCall(state.userId, "left");
      return;
    }
    const budget = frame.type === "ping" ? "ping" : "signal";
    if (!this.#guard.takeFrame(connection, budget, state.userId, now, "Too many frames on this call; slow down")) return;
    if (frame.type === "ping") {
      connection.send(JSON.stringify({ type: "pong" }));
      return;
    }
    const { call, roster, gate } = await this.#load();
    if (call?.status !== "active") {
      connection.send(errorFrame("call_over", "The call has ended"));
      return;
    }
    if (isSfuFrame(frame)) {
      const sfu = this.deps.sfu;
      if (this.#topology !== "sfu" || !sfu) {
        connection.send(errorFrame("sfu_not_in_use", "This call's media flows in a mesh: relay offers to participants instead", { id: frame.id }));
        return;
      }
      const outcome = await forwardSfuFrame(sfu, gate, state.userId, frame);
      await this.ctx.storage.put(SFU_KEY, gate.snapshot());
      metrics.count("group_call_sfu_requests_total", { type: frame.type, result: outcome.result });
      scheduleMetricsFlush(this.deps);
      connection.send(outcome.reply);
      if (outcome.publicationsChanged) {
        const published = this.#publishedFrame(gate);
        for (const socket of this.#openSockets()) socket.send(published);
      }
      return;
    }
    if (frame.type === "media.state") {
      if (roster.setMedia(state.userId, { audio: frame.audio, video: frame.video })) {
        await this.ctx.storage.put(ROSTER_KEY, roster.snapshot());
        const stateFrame = JSON.stringify({ type: "room.state", call: this.#public(call, roster) });
        for (const socket of this.#openSockets()) socket.send(stateFrame);
      }
      return;
    }
    const receivers = roster.has(frame.to) ? this.#socketsOf(frame.to).filter((socket) => socket.state?.userId === frame.to) : [];
    if (receivers.length === 0) {
      connection.send(errorFrame("not_in_call", "That participant is not in the call", { to: frame.to }));
      return;
    }
    const { to: _to, ...relayed } = frame;
    const text = JSON.stringify({ ...relayed, from: state.userId });
    for (const socket of receivers) socket.send(text);
  }

  override async onClose(connection: Connection<ParticipantSocket>): Promise<void> {
    const userId = connection.state?.userId;
    if (!userId) return;
    const others = this.#socketsOf(userId).filter((socket) => socket.id !== connection.id && socket.state?.userId === userId);
    if (others.length === 0) await this.#removeFromCall(userId, "dropped");
  }

  async traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
    return runTracedMethod(this, carrier, method, args);
  }
}
