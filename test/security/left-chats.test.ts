import { describe, expect, it } from "vitest";
import { type MessageBody, postMessage, usersAndGroup } from "../chat/fixtures";
import { api, json } from "../helpers";

interface ExportedChat {
  id: string;
  messagesSent: MessageBody[];
}

async function history(chatId: string, token: string): Promise<MessageBody[]> {
  return (await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chatId}/messages?limit=100`, { token }))).items;
}

/** A group owned by `owner`; `leaver` writes, reacts to the owner's message, then leaves. */
async function leftGroup() {
  const { users, chat } = await usersAndGroup(2);
  const [owner, leaver] = users as [(typeof users)[0], (typeof users)[0]];
  const ownerMessage = await postMessage(chat.id, owner, "hello all");
  const leaverMessage = await postMessage(chat.id, leaver, "my words");
  const react = await api(`/v1/chats/${chat.id}/messages/${ownerMessage.id}/reactions`, { token: leaver.accessToken, body: { emoji: "👍" } });
  expect(react.status, await react.clone().text()).toBeLessThan(300);
  expect((await api(`/v1/chats/${chat.id}/members/${leaver.id}`, { method: "DELETE", token: leaver.accessToken })).status).toBe(204);
  return { owner, leaver, chat, ownerMessage, leaverMessage };
}

describe("finding 7: deletion and export cover chats the user has left", () => {
  it("the export lists a left group with the messages the user sent there", async () => {
    const { leaver, chat, leaverMessage } = await leftGroup();
    const response = await api("/v1/me/export", { token: leaver.accessToken });
    expect(response.status).toBe(200);
    const exported = await json<{ modules: { chat: { chats: ExportedChat[] } } }>(response);
    const left = exported.modules.chat.chats.find((c) => c.id === chat.id);
    expect(left?.messagesSent.map((m) => m.id)).toEqual([leaverMessage.id]);
  });

  it("DELETE /v1/me unlinks the user's messages and removes their reactions in a left group", async () => {
    const { owner, leaver, chat, ownerMessage, leaverMessage } = await leftGroup();
    const deleted = await api("/v1/me", { method: "DELETE", token: leaver.accessToken, body: { password: leaver.password } });
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    const items = await history(chat.id, owner.accessToken);
    expect(items.find((m) => m.id === leaverMessage.id)).toMatchObject({ text: "my words", senderId: null });
    const reactions = items.find((m) => m.id === ownerMessage.id)!.reactions;
    expect(reactions.flatMap((r) => r.userIds)).not.toContain(leaver.id);
    expect(JSON.stringify(items)).not.toContain(leaver.id);
  });
});
