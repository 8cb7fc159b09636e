import { expect } from "vitest";
import { acceptSocket, api, json, registerUser, type TestSocket, type TestUser, upgrade } from "../helpers";

export interface ChatBody {
  id: string;
  type: "general" | "direct" | "group";
  title: string | null;
  ownerId: string | null;
  memberIds: string[];
  lastMessage: { id: string; seq: number; senderId: string | null; text: string } | null;
  lastSeq: number;
  readSeq: number;
  unreadCount: number;
}

export interface MessageBody {
  id: string;
  chatId: string;
  seq: number;
  senderId: string | null;
  clientId: string;
  text: string;
  attachments: { id: string; name?: string; contentType: string | null; size: number }[];
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; count: number; userIds: string[] }[];
}

let clientCounter = 0;
export const newClientId = () => `c-${Date.now().toString(36)}-${clientCounter++}`;

/** A group chat owned by `owner` with `members`. */
export async function openGroup(owner: TestUser, members: TestUser[], title = "Team"): Promise<ChatBody> {
  const response = await api("/v1/chats", { token: owner.accessToken, body: { type: "group", title, memberIds: members.map((m) => m.id) } });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<ChatBody>(response);
}

export async function usersAndGroup(count: number): Promise<{ users: TestUser[]; chat: ChatBody }> {
  const users = await Promise.all(Array.from({ length: count }, () => registerUser()));
  const chat = await openGroup(users[0]!, users.slice(1));
  return { users, chat };
}

export async function postMessage(chatId: string, user: TestUser, text: string, clientId = newClientId()): Promise<MessageBody> {
  const response = await api(`/v1/chats/${chatId}/messages`, { token: user.accessToken, body: { clientId, text } });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<MessageBody>(response);
}

export async function getChat(chatId: string, user: TestUser): Promise<ChatBody> {
  const response = await api(`/v1/chats/${chatId}`, { token: user.accessToken });
  expect(response.status).toBe(200);
  return json<ChatBody>(response);
}

/** `vi.waitFor` options for what lands in D1 just after the room acknowledges (the chat list). */
export const untilSynced = { timeout: 5_000, interval: 20 };

/** Opens the chat socket as `user` and waits for the room's hello. */
export async function connect(chatId: string, user: TestUser): Promise<TestSocket> {
  const response = await upgrade(`/v1/chats/${chatId}/ws`, { authorization: `Bearer ${user.accessToken}` });
  expect(response.status, response.status === 101 ? "" : await response.text()).toBe(101);
  const socket = acceptSocket(response);
  await socket.next("hello");
  return socket;
}

/** Opens the user's realtime hub socket (for `chat.updated`). */
export async function connectHub(user: TestUser): Promise<TestSocket> {
  const socket = acceptSocket(await upgrade("/v1/realtime", { authorization: `Bearer ${user.accessToken}` }));
  await socket.next("hello");
  return socket;
}
