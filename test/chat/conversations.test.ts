import { describe, expect, it, vi } from "vitest";
import { makeModerator } from "../kit/users";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { type ChatBody, connect, getChat, type MessageBody, newClientId, postMessage, untilSynced, usersAndGroup } from "./fixtures";

// Replies, mentions and pins (docs/chat.md, "Replies, mentions and pins").

interface Quote {
  id: string;
  seq: number;
  senderId: string | null;
  text: string;
  hasAttachments: boolean;
  editedAt: string | null;
  deletedAt: string | null;
}
type Message = MessageBody & { replyTo: Quote | null; mentions: string[] };
type Chat = ChatBody & { unreadMentionCount: number };
interface Pin {
  message: Message;
  pinnedBy: string | null;
  pinnedAt: string;
}

async function send(chatId: string, user: TestUser, body: Record<string, unknown>): Promise<Response> {
  return api(`/v1/chats/${chatId}/messages`, { token: user.accessToken, body: { clientId: newClientId(), ...body } });
}

async function sent(chatId: string, user: TestUser, body: Record<string, unknown>): Promise<Message> {
  const response = await send(chatId, user, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return json<Message>(response);
}

async function page(chatId: string, user: TestUser): Promise<{ items: Message[]; people: { id: string; displayName: string }[] }> {
  const response = await api(`/v1/chats/${chatId}/messages`, { token: user.accessToken });
  expect(response.status).toBe(200);
  return json(response);
}

describe("replies", () => {
  it("a reply carries a quote of the original, current after the original is edited and deleted", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [ann, bob] = users as [TestUser, TestUser];
    const original = await postMessage(chat.id, ann, "Lunch on Sunday at one?");
    const reply = await sent(chat.id, bob, { text: "Yes, we'll bring dessert", replyTo: original.id });
    expect(reply.replyTo).toEqual({
      id: original.id,
      seq: original.seq,
      senderId: ann.id,
      text: "Lunch on Sunday at one?",
      hasAttachments: false,
      editedAt: null,
      deletedAt: null,
    });
    // The page names the quoted sender too, so a client shows "Ann" above the quote.
    const first = await page(chat.id, bob);
    expect(first.people.map((p) => p.id)).toEqual(expect.arrayContaining([ann.id, bob.id]));

    await api(`/v1/chats/${chat.id}/messages/${original.id}`, { method: "PATCH", token: ann.accessToken, body: { text: "Lunch on Sunday at two?" } });
    const afterEdit = (await page(chat.id, bob)).items.find((m) => m.id === reply.id)!;
    expect(afterEdit.replyTo).toMatchObject({ text: "Lunch on Sunday at two?", deletedAt: null });
    expect(afterEdit.replyTo!.editedAt).not.toBeNull();

    await api(`/v1/chats/${chat.id}/messages/${original.id}`, { method: "DELETE", token: ann.accessToken });
    const afterDelete = (await page(chat.id, bob)).items.find((m) => m.id === reply.id)!;
    expect(afterDelete.replyTo).toMatchObject({ id: original.id, text: "" });
    expect(afterDelete.replyTo!.deletedAt).not.toBeNull();
  });

  it("quotes only the first 200 characters", async () => {
    const { users, chat } = await usersAndGroup(1);
    const original = await postMessage(chat.id, users[0]!, "a".repeat(500));
    const reply = await sent(chat.id, users[0]!, { text: "replying to myself", replyTo: original.id });
    expect(reply.replyTo!.text).toHaveLength(200);
  });

  it("refuses a reply to a message of another chat (404), to a deleted message (409), and a malformed replyTo (400)", async () => {
    const { users, chat } = await usersAndGroup(2);
    const other = await usersAndGroup(1);
    const elsewhere = await postMessage(other.chat.id, other.users[0]!, "in another chat");
    await expectProblem(await send(chat.id, users[0]!, { text: "hi", replyTo: elsewhere.id }), 404, "message_not_found");
    const gone = await postMessage(chat.id, users[0]!, "soon gone");
    await api(`/v1/chats/${chat.id}/messages/${gone.id}`, { method: "DELETE", token: users[0]!.accessToken });
    await expectProblem(await send(chat.id, users[1]!, { text: "hi", replyTo: gone.id }), 409, "message_deleted");
    await expectProblem(await send(chat.id, users[1]!, { text: "hi", replyTo: "" }), 400, "invalid_body");
    await expectProblem(await send(chat.id, users[1]!, { text: "hi", replyTo: 42 }), 400, "invalid_body");
    // The refused sends stored nothing: the chat holds only the deleted message.
    expect((await page(chat.id, users[1]!)).items.map((m) => m.text)).toEqual([""]);
  });

  it("a reply over the socket: the sender's ack and the others' message.new carry the quote; an edit of the original reaches them as message.updated", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [ann, bob] = users as [TestUser, TestUser];
    const original = await postMessage(chat.id, ann, "Who brings the cake?");
    const annSocket = await connect(chat.id, ann);
    const bobSocket = await connect(chat.id, bob);
    const clientId = newClientId();
    bobSocket.send({ type: "message.send", clientId, text: "I do", replyTo: original.id });
    const ack = await bobSocket.next("message.ack");
    expect((ack.message as Message).replyTo).toMatchObject({ id: original.id, text: "Who brings the cake?" });
    const seen = await annSocket.next("message.new");
    expect((seen.message as Message).replyTo).toMatchObject({ id: original.id, senderId: ann.id });
    annSocket.send({ type: "message.send", clientId: newClientId(), text: "x", replyTo: "no-such-message" });
    const refused = await annSocket.next("error");
    expect(refused.code).toBe("message_not_found");
    annSocket.close();
    bobSocket.close();
  });
});

describe("mentions", () => {
  it("the message keeps the members it mentions (not the sender, not outsiders); each mentioned member's chat list counts them until read", async () => {
    const { users, chat } = await usersAndGroup(3);
    const [ann, bob, cat] = users as [TestUser, TestUser, TestUser];
    const outsider = await registerUser();
    const message = await sent(chat.id, ann, { text: "@Bob and @Cat: dinner?", mentions: [bob.id, cat.id, ann.id, outsider.id, bob.id] });
    expect(message.mentions.sort()).toEqual([bob.id, cat.id].sort());
    await sent(chat.id, ann, { text: "@Bob again", mentions: [bob.id] });
    await vi.waitFor(async () => expect(((await getChat(chat.id, bob)) as Chat).unreadMentionCount).toBe(2), untilSynced);
    expect(((await getChat(chat.id, cat)) as Chat).unreadMentionCount).toBe(1);
    expect(((await getChat(chat.id, ann)) as Chat).unreadMentionCount).toBe(0);
    // The list says the same as the chat.
    const list = await json<{ items: Chat[] }>(await api("/v1/chats", { token: bob.accessToken }));
    expect(list.items.find((c) => c.id === chat.id)!.unreadMentionCount).toBe(2);

    // Reading up to the first mention leaves one; reading everything leaves none.
    await api(`/v1/chats/${chat.id}/read`, { token: bob.accessToken, body: { seq: message.seq } });
    expect(((await getChat(chat.id, bob)) as Chat).unreadMentionCount).toBe(1);
    await api(`/v1/chats/${chat.id}/read`, { token: bob.accessToken, body: { seq: message.seq + 1 } });
    expect(((await getChat(chat.id, bob)) as Chat).unreadMentionCount).toBe(0);
  });

  it("a mentioned member who is away gets the count with the chat.updated frame on their hub", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [ann, bob] = users as [TestUser, TestUser];
    const { connectHub } = await import("./fixtures");
    const hub = await connectHub(bob);
    await sent(chat.id, ann, { text: "@Bob look", mentions: [bob.id] });
    const update = await hub.next("chat.updated", (frame) => (frame.chat as Chat).id === chat.id && (frame.chat as Chat).unreadMentionCount === 1, 10_000);
    expect((update.chat as Chat).unreadCount).toBe(1);
    hub.close();
  });

  it("refuses malformed mentions (400): not a list, too many", async () => {
    const { users, chat } = await usersAndGroup(1);
    await expectProblem(await send(chat.id, users[0]!, { text: "hi", mentions: "everyone" }), 400, "invalid_body");
    await expectProblem(await send(chat.id, users[0]!, { text: "hi", mentions: Array.from({ length: 51 }, (_, i) => `u${i}`) }), 400, "invalid_body");
    await expectProblem(await send(chat.id, users[0]!, { text: "hi", mentions: [""] }), 400, "invalid_body");
  });
});

describe("pins", () => {
  it("needs a token (401) and membership (404 for an outsider)", async () => {
    const { users, chat } = await usersAndGroup(1);
    const message = await postMessage(chat.id, users[0]!, "pin me");
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`), 401);
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { body: { messageId: message.id } }), 401);
    await expectProblem(await api(`/v1/chats/${chat.id}/pins/${message.id}`, { method: "DELETE" }), 401);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { token: outsider.accessToken, body: { messageId: message.id } }), 404);
    await expectProblem(await api(`/v1/chats/${chat.id}/pins/${message.id}`, { method: "DELETE", token: outsider.accessToken }), 404);
  });

  it("refuses malformed input (400), an unknown message (404), a deleted one (409)", async () => {
    const { users, chat } = await usersAndGroup(1);
    const token = users[0]!.accessToken;
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { token, body: {} }), 400, "invalid_body");
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { token, body: { messageId: 7 } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { token, body: { messageId: "nope" } }), 404, "message_not_found");
    const gone = await postMessage(chat.id, users[0]!, "gone");
    await api(`/v1/chats/${chat.id}/messages/${gone.id}`, { method: "DELETE", token });
    await expectProblem(await api(`/v1/chats/${chat.id}/pins`, { token, body: { messageId: gone.id } }), 409, "message_deleted");
    await expectProblem(await api(`/v1/chats/${chat.id}/pins/${gone.id}`, { method: "DELETE", token }), 404, "message_not_found");
  });

  it("any member pins and unpins in a group; every socket hears it; the list is newest pin first; deleting a pinned message unpins it", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [ann, bob] = users as [TestUser, TestUser];
    const address = await postMessage(chat.id, ann, "The address is 12 Elm Street");
    const time = await postMessage(chat.id, ann, "Sunday 13:00");
    const socket = await connect(chat.id, ann);

    const pinned = await api(`/v1/chats/${chat.id}/pins`, { token: bob.accessToken, body: { messageId: address.id } });
    expect(pinned.status).toBe(200);
    const pin = await json<Pin>(pinned);
    expect(pin).toMatchObject({ message: { id: address.id, text: "The address is 12 Elm Street" }, pinnedBy: bob.id });
    expect((await socket.next("message.pinned")).pin).toMatchObject({ message: { id: address.id }, pinnedBy: bob.id });
    // Pinning again returns the same pin, and tells nobody anything new.
    const again = await json<Pin>(await api(`/v1/chats/${chat.id}/pins`, { token: ann.accessToken, body: { messageId: address.id } }));
    expect(again).toEqual(pin);
    await api(`/v1/chats/${chat.id}/pins`, { token: ann.accessToken, body: { messageId: time.id } });
    await socket.next("message.pinned", (frame) => (frame.pin as Pin).message.id === time.id);

    const list = await json<{ items: Pin[]; people: { id: string; displayName: string }[] }>(
      await api(`/v1/chats/${chat.id}/pins`, { token: bob.accessToken }),
    );
    expect(list.items.map((p) => p.message.id)).toEqual([time.id, address.id]);
    expect(list.people.map((p) => p.id).sort()).toEqual([ann.id, bob.id].sort());

    const unpinned = await api(`/v1/chats/${chat.id}/pins/${time.id}`, { method: "DELETE", token: bob.accessToken });
    expect(unpinned.status).toBe(204);
    expect((await socket.next("message.unpinned")).id).toBe(time.id);
    await expectProblem(await api(`/v1/chats/${chat.id}/pins/${time.id}`, { method: "DELETE", token: bob.accessToken }), 404, "message_not_found");

    await api(`/v1/chats/${chat.id}/messages/${address.id}`, { method: "DELETE", token: ann.accessToken });
    expect((await socket.next("message.unpinned")).id).toBe(address.id);
    expect((await json<{ items: Pin[] }>(await api(`/v1/chats/${chat.id}/pins`, { token: ann.accessToken }))).items).toEqual([]);
    socket.close();
  });

  it("in the general chat only moderators pin (403 pin_not_allowed for others)", async () => {
    const member = await registerUser();
    const moderator = await registerUser();
    await makeModerator(moderator);
    const message = await postMessage("general", member, "house rules: be kind");
    await expectProblem(await api("/v1/chats/general/pins", { token: member.accessToken, body: { messageId: message.id } }), 403, "pin_not_allowed");
    const pinned = await api("/v1/chats/general/pins", { token: moderator.accessToken, body: { messageId: message.id } });
    expect(pinned.status).toBe(200);
    await expectProblem(await api(`/v1/chats/general/pins/${message.id}`, { method: "DELETE", token: member.accessToken }), 403, "pin_not_allowed");
    expect((await api(`/v1/chats/general/pins/${message.id}`, { method: "DELETE", token: moderator.accessToken })).status).toBe(204);
  });
});
