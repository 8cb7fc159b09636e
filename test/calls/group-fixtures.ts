import { expect } from "vitest";
import { openGroup } from "../chat/fixtures";
import { acceptSocket, api, registerUser, type TestSocket, type TestUser, upgrade } from "../helpers";

/** `count` users in one group chat the first of them made. */
export async function family(count: number) {
  const users = await Promise.all(Array.from({ length: count }, () => registerUser()));
  const chat = await openGroup(users[0]!, users.slice(1), "Family");
  return { users, chat };
}

export async function startGroupCall(user: TestUser, chatId: string, type: "voice" | "video" = "video", status = 201) {
  const response = await api("/v1/calls", { token: user.accessToken, body: { chatId, type } });
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as Record<string, any>;
}

/** Joins the call: opens its socket and waits until the room lists `user`. */
export async function joinGroupCall(user: TestUser, callId: string): Promise<TestSocket> {
  const response = await upgrade(`/v1/group-calls/${callId}/ws`, { authorization: `Bearer ${user.accessToken}` });
  expect(response.status, response.status === 101 ? "" : await response.text()).toBe(101);
  const socket = acceptSocket(response);
  await socket.next("room.state", (f) => f.call.participants.some((p: { userId: string }) => p.userId === user.id));
  return socket;
}
