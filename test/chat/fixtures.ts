import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { api, json, registerUser, type TestUser } from "../helpers";

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
  attachments: { id: string; contentType: string | null; size: number }[];
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; count: number; userIds: string[] }[];
}

export type Frame = { type: string } & Record<string, any>;

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

/** Waits until `check` passes: the D1 chat list is updated just after the room acknowledges. */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A connected WebSocket that queues every frame it receives, for tests to take in order. */
export class TestSocket {
  private readonly frames: Frame[] = [];
  private readonly waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      this.frames.push(JSON.parse(typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer)));
      this.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.wake();
    });
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The first not yet taken frame of `type` (matching `where`), waiting up to `timeoutMs`. */
  async next(type: string, where: (frame: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f) => f.type === type && where(f));
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames of `type` received so far (without taking them). */
  received(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  /** Round trip through the room: every frame sent before has been handled once the pong arrives. */
  async sync(): Promise<void> {
    this.send({ type: "ping" });
    await this.next("pong");
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (!this.closed) throw new Error("socket did not close");
    return this.closed;
  }

  close() {
    if (!this.closed) this.ws.close(1000, "done");
  }
}

export async function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`http://platform.test${path}`, { headers: { upgrade: "websocket", ...headers } });
}

/** Opens the chat socket as `user` and waits for the room's hello. */
export async function connect(chatId: string, user: TestUser): Promise<TestSocket> {
  const response = await upgrade(`/v1/chats/${chatId}/ws`, { authorization: `Bearer ${user.accessToken}` });
  expect(response.status, response.status === 101 ? "" : await response.text()).toBe(101);
  const ws = response.webSocket!;
  const socket = new TestSocket(ws);
  ws.accept();
  await socket.next("hello");
  return socket;
}

/** Opens the user's realtime hub socket (for `chat.updated`). */
export async function connectHub(user: TestUser): Promise<TestSocket> {
  const response = await upgrade("/v1/realtime", { authorization: `Bearer ${user.accessToken}` });
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  const socket = new TestSocket(ws);
  ws.accept();
  await socket.next("hello");
  return socket;
}
