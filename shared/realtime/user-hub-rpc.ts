import type { DurableStateRpc } from "../platform/durable-state-rpc";
import type { SocketTarget } from "./session-socket-registry";
import type { HubServerFrame } from "./socket-protocols";

/** What a user's hub pushes to every chat room and call where one of their sessions has a socket. */
export interface SocketTargetRpc extends Rpc.DurableObjectBranded {
  /** These sessions ended: their sockets close and their next frame would be refused. */
  sessionsEnded(sessionIds: string[]): Promise<void>;
  /** The user's role or status changed: their sockets' next frame reads it again. */
  userChanged(userId: string): Promise<void>;
}

/** What the Worker and other objects may call on a user's UserHub (durable-objects/user-hub.ts). */
export interface UserHubRpc extends Rpc.DurableObjectBranded, DurableStateRpc {
  /** Sends a frame to every connected device of the user; answers how many received it. */
  notify(frame: HubServerFrame): Promise<number>;
  /** Before a chat or call upgrade is forwarded: records where the session opens a socket; false when the session ended. */
  trackSocket(sessionId: string, target: SocketTarget): Promise<boolean>;
  /** These sessions ended: their sockets close here and in every chat room and call. */
  sessionsEnded(sessionIds: string[]): Promise<void>;
  /** The user's role or status changed: every object with a socket of theirs reads it again. */
  userChanged(): Promise<void>;
  connectionCount(): Promise<number>;
}
