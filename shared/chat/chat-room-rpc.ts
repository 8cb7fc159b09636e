import type { DurableStateRpc } from "../platform/durable-state-rpc";
import type { Result } from "../platform/result";
import type { SocketTargetRpc } from "../realtime/user-hub-rpc";
import type { ChatRoomForShardsRpc } from "./chat-fanout-rpc";
import type { ForwardedMessage, NewMessage } from "./message-rules";
import type { Message, MessagePage, MessagePageQuery, Pin, Sender } from "./model";

/** A stored message, and whether this call stored it (false: a retry of the same clientId). */
export interface StoredMessage {
  message: Message;
  created: boolean;
}

/** What the Worker and other objects may call on a chat's ChatRoom (durable-objects/chat-room.ts). */
export interface ChatRoomRpc extends SocketTargetRpc, DurableStateRpc, ChatRoomForShardsRpc {
  /** `POST /v1/chats/:id/messages`: the Worker checked membership; every socket gets `message.new`. */
  postMessage(sender: Sender, input: NewMessage): Promise<Result<StoredMessage>>;
  /** A live message to forward from this chat (404 unknown, 409 deleted); the Worker checked membership. */
  forwardableMessage(id: string): Result<Message>;
  /** Stores a message forwarded here from another chat the sender belongs to; every socket gets `message.new`. */
  forwardMessage(sender: Sender, forward: ForwardedMessage): Promise<Result<StoredMessage>>;
  listMessages(query: MessagePageQuery): Result<MessagePage>;
  /** Which of these users have a socket open in the room, here or on its shards (a push to them would be one too many). */
  connectedAmong(userIds: string[]): Promise<string[]>;
  markRead(userId: string, seq: number, originId?: string): Promise<Result<{ seq: number }>>;
  editMessage(actor: Sender, id: string, text: string): Result<Message>;
  deleteMessage(actor: Sender, id: string): Promise<Result<Message>>;
  react(actor: Sender, id: string, emoji: string, add: boolean): Result<Message>;
  pinMessage(actor: Sender, id: string): Result<Pin>;
  unpinMessage(actor: Sender, id: string): Result<{ id: string }>;
  listPins(): Pin[];
  /**
   * Members changed in D1: forget cached answers, close sockets of those who left. Called with no
   * ids when the chat itself changed (encryption turned on): the cached answers are read again.
   */
  membershipChanged(userIds: string[]): Promise<void>;
  /** The chat was deleted: close every socket and drop the log. */
  closeChat(): Promise<void>;
  messagesBySender(userId: string): Message[];
  anonymiseSender(userId: string): number;
}
