import type { ChatClientFrame } from "./frames";
import type { FanoutFrame } from "./fanout";
import type { Sender } from "./model";

/** Why a shard closes sockets on the room's word (the close codes of shared/realtime/socket-kit.ts). */
export type FanoutCloseReason = "chat_deleted";

/** Whose socket a frame came from: the principal the Worker set on the upgrade, as the shard holds it. */
export type ShardSocketPrincipal = Sender & { sessionId: string };

/** What a ChatRoom may call on one of its fan-out shards (durable-objects/chat-fanout.ts). */
export interface ChatFanoutRpc extends Rpc.DurableObjectBranded {
  /** Sends these frames, in order, to the shard's sockets; answers how many sockets it holds (0: forget it). */
  deliver(frames: FanoutFrame[]): number;
  /** The users with a socket open here (the room asks after it woke). */
  connectedUsers(): string[];
  /** These sessions ended: their sockets close (4001) and their next frame would be refused. */
  sessionsEnded(sessionIds: string[]): Promise<void>;
  /** The user's role or status changed: their sockets' next frame reads it again. */
  userChanged(userId: string): Promise<void>;
  /** Members changed: cached answers are forgotten, sockets of users no longer members close (4003). */
  membershipChanged(userIds: string[]): Promise<void>;
  /** Closes every socket (the chat was deleted). */
  closeAll(reason: FanoutCloseReason): Promise<void>;
}

/** What a shard may call on its room (shared/chat/chat-room-rpc.ts implements it). */
export interface ChatRoomForShardsRpc {
  /** A socket of `userId` opened on `shard`: the room delivers to the shard from now on; answers the room's last seq. */
  fanoutJoined(shard: string, userId: string): Promise<{ lastSeq: number }>;
  /** The last socket of `userId` on `shard` closed. */
  fanoutLeft(shard: string, userId: string): Promise<void>;
  /**
   * A frame from a shard's socket, its session, membership and budget already checked there:
   * handled as the room handles its own sockets' frames; answers the frames for that socket
   * (`message.ack`, an `error`, `pong`...). Everything for other sockets goes out through `deliver`.
   */
  frameFromFanout(shard: string, connectionId: string, principal: ShardSocketPrincipal, frame: ChatClientFrame): Promise<string[]>;
}
