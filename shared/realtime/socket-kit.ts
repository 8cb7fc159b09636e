import type { ErrorCode } from "../http/errors";
import type { RateLimit } from "../rate-limit-windows";
import { FrameBudget } from "./frame-budget";
import { type SessionStanding, SessionStandings, type StandingLoader } from "./session-standings";

/**
 * Why a socket is closed, for the three socket objects (UserHub, ChatRoom, CallSession): one
 * code per reason, documented in docs/socket-protocols.md and the AsyncAPI document (a test holds
 * them to this table). `frame` is the error code sent just before the close, when there is one.
 */
export const CLOSE_CODES = {
  /** A second line of defence: the Worker authenticates every upgrade, so clients never see it. */
  unauthenticated: { code: 1008, reason: "not authenticated", meaning: "the upgrade did not carry the identity the Worker sets" },
  replaced: {
    code: 4000,
    reason: "replaced by another device",
    meaning: "call signalling and group calls: the same participant connected again from another device",
  },
  session_ended: {
    code: 4001,
    frame: "session_ended",
    reason: "session ended",
    meaning: "the session of this socket ended (logout, revocation, password reset, disabled account)",
  },
  left: {
    code: 4002,
    reason: "left the call",
    meaning: "group call: you left it (a `leave` frame or `POST /v1/group-calls/:id/leave`, on this or another device)",
  },
  not_a_member: {
    code: 4003,
    frame: "not_a_member",
    reason: "not a member",
    meaning: "you are not, or no longer, a member of the chat or a participant of the call (you left, were removed, or deleted your account)",
  },
  chat_deleted: { code: 4004, reason: "chat deleted", meaning: "the chat was deleted" },
  call_full: {
    code: 4009,
    frame: "call_full",
    reason: "call full",
    meaning: "group call: it holds `CALL_MESH_MAX_PARTICIPANTS` people already",
  },
  call_over: { code: 4410, reason: "call over", meaning: "the call ended (after the final `call.state`)" },
} as const satisfies Record<string, { code: number; frame?: FrameErrorCode; reason: string; meaning: string }>;

export type CloseReason = keyof typeof CLOSE_CODES;

/** The error codes of `error` frames that are not API error codes: the sockets' own. */
export const FRAME_ERRORS = {
  malformed_frame: "not JSON, or not an object with a string `type`",
  unknown_frame_type: "a `type` this socket does not accept",
  invalid_frame: "a known type with missing or invalid fields; `detail` names the field",
  binary_not_supported: "a binary frame",
  frame_too_large: "chat frames over 24 KiB, other sockets over 64 KiB",
  session_ended: "the session of this socket ended; the socket is closed with 4001 right after",
  not_a_member: "you are not, or no longer, a member of this chat; the socket is closed with 4003 right after",
  internal_error: "the frame could not be processed; retry it",
  call_over: "a signalling frame on a call that is over",
  peer_buffer_full: "the other participant is not connected and too many frames are waiting for them",
  call_full: "the group call holds its most participants already; the socket is closed with 4009 right after",
  not_in_call: "group call: the participant named in `to` is not in the call",
} as const;

export type FrameErrorCode = keyof typeof FRAME_ERRORS;

/** What the kit needs of a socket: partyserver's Connection and a hibernated WebSocket both are one. */
export interface Socket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/** An `error` frame; `extra` names the frame refused (`clientId`, `id`) or when to retry (`retryAfter`). */
export function errorFrame(code: FrameErrorCode | ErrorCode, detail: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: "error", code, detail, ...extra });
}

/** Closes `socket` for `reason`, first sending its error frame with `detail` when the reason has one. */
export function closeSocket(socket: Socket, reason: CloseReason, detail?: string): void {
  const entry: { code: number; frame?: FrameErrorCode; reason: string } = CLOSE_CODES[reason];
  if (entry.frame && detail) socket.send(errorFrame(entry.frame, detail));
  socket.close(entry.code, entry.reason);
}

const SESSION_ENDED_DETAIL = "The session of this socket has ended";

/**
 * The rules every socket object applies to its sockets: a socket opens only for a session that
 * has not ended, each frame is handled only while its session stands (answered from memory, from
 * D1 after the recheck interval), a socket whose session ends is closed with `session_ended`, and
 * each user's frames draw on per-kind budgets (over budget: a `rate_limited` error frame).
 */
export class SocketGuard<Budget extends string> {
  readonly #standings: SessionStandings;
  readonly #budget: FrameBudget<Budget>;

  constructor(loadStanding: StandingLoader, recheckMs: number, budgets: Record<Budget, RateLimit>) {
    this.#standings = new SessionStandings(loadStanding, recheckMs);
    this.#budget = new FrameBudget(budgets);
  }

  /** At connect: false (and the socket closed) when the session already ended; else it is trusted as the upgrade says. */
  admit(socket: Socket, principal: SessionStanding & { sessionId: string }, now: number): boolean {
    if (this.#standings.isEnded(principal.sessionId)) {
      this.closeEnded(socket);
      return false;
    }
    this.#standings.trust(principal.sessionId, { userId: principal.userId, role: principal.role }, now);
    return true;
  }

  /**
   * Before a frame: the session's standing, or null once the socket is closed because the session
   * ended. Answered without a promise from memory (the common case), so a hot path need not await.
   */
  standing(socket: Socket, state: { userId: string; sessionId: string }, now: number): SessionStanding | null | Promise<SessionStanding | null> {
    const checked = this.#standings.current(state.userId, state.sessionId, now);
    if (checked instanceof Promise) return checked.then((standing) => this.#closedUnless(socket, standing));
    return this.#closedUnless(socket, checked);
  }

  #closedUnless(socket: Socket, standing: SessionStanding | null): SessionStanding | null {
    if (!standing) this.closeEnded(socket);
    return standing;
  }

  /** Takes one frame of `budget` for the user: false (and `rate_limited` sent, with `detail`) when over it. */
  takeFrame(socket: Socket, budget: Budget, userId: string, now: number, detail: string): boolean {
    const wait = this.#budget.take(budget, userId, now);
    if (wait <= 0) return true;
    socket.send(errorFrame("rate_limited", detail, { retryAfter: wait }));
    return false;
  }

  /** These sessions ended: each of their sockets (`socketsOf`) is closed, and a later frame of theirs is refused. */
  sessionsEnded(sessionIds: string[], now: number, socketsOf: (sessionId: string) => Iterable<Socket>): void {
    this.#standings.end(sessionIds, now);
    for (const sessionId of sessionIds) for (const socket of socketsOf(sessionId)) this.closeEnded(socket);
  }

  /** The user's role or status changed: their sockets' next frame reads it again. */
  userChanged(userId: string): void {
    this.#standings.forgetUser(userId);
  }

  isEnded(sessionId: string): boolean {
    return this.#standings.isEnded(sessionId);
  }

  closeEnded(socket: Socket): void {
    closeSocket(socket, "session_ended", SESSION_ENDED_DETAIL);
  }
}
