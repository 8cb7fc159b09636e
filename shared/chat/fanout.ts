// Fan-out shards of a big room (docs/realtime.md#rooms-of-thousands): the chat's ChatRoom stays the
// one writer (ordering, storage, acks, limits), and `ChatFanout` objects each hold a slice of its
// sockets, so the sends of one message to thousands of sockets run on several objects at once.
// Everything here is plain values: the Worker routes an upgrade with it, the room and the shards
// name each other with it.
import { GENERAL_CHAT_ID } from "./model";

/**
 * Whether the chat's sockets are held by fan-out shards instead of the room itself. Only the
 * general chat holds every account; a direct chat has two members and a group at most
 * CHAT_MAX_GROUP_MEMBERS (200 by default), well within what one object carries (docs/chat.md,
 * "Rooms of thousands"), and their sockets stay in the room, one hop shorter.
 */
export function chatUsesFanout(chat: { type: string }, config: { chat: { fanoutShards: number } }): boolean {
  return chat.type === "general" && config.chat.fanoutShards > 0;
}

/** Whether a room may have fan-out shards (so keeps their registry): the general chat's. */
export function mayHaveFanoutShards(chatId: string): boolean {
  return chatId === GENERAL_CHAT_ID;
}

/** The shard object's name: the chat's id and the shard's number. */
export function fanoutShardName(chatId: string, shard: number): string {
  return `${chatId}#${shard}`;
}

/** The chat a shard (by its object name) belongs to. */
export function chatOfFanoutShard(shardName: string): string {
  return shardName.slice(0, shardName.lastIndexOf("#"));
}

/**
 * The shard that holds every socket of `userId` in a sharded chat (FNV-1a of the id): all of one
 * user's sockets meet in one shard, so the per-user frame budgets there are the user's, and a
 * relay "to everyone but this user" is decided in one place.
 */
export function fanoutShardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** One frame the room hands its shards for their sockets. */
export interface FanoutFrame {
  text: string;
  /** A stored message's seq (`message.new`): a shard's `hello` never reports less than it delivered. */
  seq?: number;
  /** Not to this socket of the shard (the sender's, which gets the ack): its connection id. */
  skipConnection?: string;
  /** Not to this user's sockets (`typing`). */
  skipUser?: string;
  /** Only to these users' sockets (MLS Welcomes; a read position in a room of thousands). */
  toUsers?: readonly string[];
}
