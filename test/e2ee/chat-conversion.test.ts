import { describe, expect, it } from "vitest";
import { EncryptedRoom, type RoomFrame, type RoomTransport } from "../../client/e2ee/encrypted-room";
import { MlsDevice } from "../../client/e2ee/device";
import type { E2eeServer } from "../../client/e2ee/server";
import { MemoryE2eeStore } from "../../client/e2ee/store";
import { firstEncryptedSeq } from "../../shared/chat/encryption";
import { connect, connectHub, type MessageBody, newClientId, openGroup, postMessage } from "../chat/fixtures";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { openDirectChat } from "./fixtures";

type EncryptedChat = { id: string; encrypted: boolean; encryptedFrom: { seq: number; at: string } | null };

const turnOn = (chatId: string, user: TestUser | null) =>
  api(`/v1/chats/${chatId}/encryption`, { method: "POST", ...(user ? { token: user.accessToken } : {}) });

async function messages(chatId: string, user: TestUser): Promise<(MessageBody & { mls?: string })[]> {
  const page = await json<{ items: (MessageBody & { mls?: string })[] }>(await api(`/v1/chats/${chatId}/messages?after=0`, { token: user.accessToken }));
  return page.items;
}

/** A signed-in session's MLS device opened by the client library, with the chat socket as its transport. */
async function deviceIn(chatId: string, user: TestUser) {
  const token = user.accessToken;
  const server: E2eeServer = {
    registerDevice: async (signatureKey) => json(await api("/v1/e2ee/devices", { token, body: { signatureKey } })),
    uploadKeyPackages: async (body) => json(await api("/v1/e2ee/key-packages", { token, body })),
    keyPackageStock: async () => json(await api("/v1/e2ee/key-packages", { token })),
    claimKeyPackages: async (userIds) => json(await api("/v1/e2ee/key-packages/claim", { token, body: { userIds } })),
    devicesOf: async (userId) => json(await api(`/v1/e2ee/users/${userId}/devices`, { token })),
  };
  const device = await MlsDevice.open({ userId: user.id, server, store: new MemoryE2eeStore() });
  await device.refillKeyPackages({ target: 3, threshold: 3 });
  const socket = await connect(chatId, user);
  const transport: RoomTransport = { send: (frame) => socket.send(frame), next: (match) => socket.nextMatching(match) as Promise<RoomFrame> };
  return { socket, room: await EncryptedRoom.open(chatId, device, transport) };
}

describe("POST /v1/chats/:id/encryption (an existing chat converts)", () => {
  it("a direct chat's member turns it on: history stays readable as it was, the open room refuses plain text at once, MLS flows after", async () => {
    const [ann, bob] = await Promise.all([registerUser(), registerUser()]);
    const chatId = await openDirectChat(ann, bob);
    await postMessage(chatId, ann, "before: plain words");
    // Bob's socket has sent plain text, so the room has read (and kept) that the chat is plain.
    const bobSocket = await connect(chatId, bob);
    bobSocket.send({ type: "message.send", clientId: newClientId(), text: "before: still plain" });
    const plainAck = await bobSocket.next("message.ack");
    const hub = await connectHub(ann);

    const response = await turnOn(chatId, bob);
    expect(response.status, await response.clone().text()).toBe(200);
    const chat = await json<EncryptedChat>(response);
    expect(chat.encrypted).toBe(true);
    expect(chat.encryptedFrom).toEqual({ seq: plainAck.message.seq + 1, at: expect.any(String) });
    // Ann's devices learn it from their hub.
    const update = await hub.next("chat.updated", (frame) => frame.chat.id === chatId && frame.chat.encrypted === true);
    expect(update.chat.encryptedFrom.seq).toBe(2 + 1);

    // The room refuses plain text now, on the socket that sent some a moment ago and over REST.
    bobSocket.send({ type: "message.send", clientId: "after-1", text: "after: must not be stored" });
    expect(await bobSocket.next("error", (f) => f.clientId === "after-1")).toMatchObject({ code: "mls_chat_encrypted" });
    await expectProblem(
      await api(`/v1/chats/${chatId}/messages`, { token: ann.accessToken, body: { clientId: newClientId(), text: "after" } }),
      409,
      "mls_chat_encrypted",
    );
    // Earlier history is exactly as it was: text, readable by the members (and the server).
    expect((await messages(chatId, ann)).map((m) => [m.seq, m.text, m.mls])).toEqual([
      [1, "before: plain words", undefined],
      [2, "before: still plain", undefined],
    ]);
    bobSocket.close();
    hub.close();

    // From here on the chat is an MLS group like any encrypted chat: its first commit starts it.
    const annSide = await deviceIn(chatId, ann);
    const bobSide = await deviceIn(chatId, bob);
    expect(await annSide.room.ensureJoined()).toBe(true);
    await annSide.room.addUsers([bob.id]);
    expect(await bobSide.room.ensureJoined()).toBe(true);
    const sealed = await annSide.room.send({ text: "after: sealed" });
    const stored = sealed.message as MessageBody & { mls: string };
    expect(stored).toMatchObject({ seq: chat.encryptedFrom!.seq, text: "" });
    expect(await bobSide.room.open((await bobSide.socket.next("message.new")).message)).toMatchObject({ ok: true, payload: { text: "after: sealed" } });
    expect((await messages(chatId, bob)).map((m) => [m.text, typeof m.mls])).toEqual([
      ["before: plain words", "undefined"],
      ["before: still plain", "undefined"],
      ["", "string"],
    ]);
    for (const side of [annSide, bobSide]) side.socket.close();
  });

  it("a group is turned on by its owner only; a member is refused (403) and an outsider does not see the chat (404)", async () => {
    const [owner, member, outsider] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const group = await openGroup(owner, [member]);
    await expectProblem(await turnOn(group.id, member), 403, "forbidden");
    await expectProblem(await turnOn(group.id, outsider), 404);
    const response = await turnOn(group.id, owner);
    expect(response.status).toBe(200);
    expect(await json<EncryptedChat>(response)).toMatchObject({ encrypted: true, encryptedFrom: { seq: 1 } });
    expect((await json<EncryptedChat>(await api(`/v1/chats/${group.id}`, { token: member.accessToken }))).encrypted).toBe(true);
  });

  it("turning it on again is 409, for a converted chat and for one encrypted since creation (which has no line to draw)", async () => {
    const [ann, bob] = await Promise.all([registerUser(), registerUser()]);
    const chatId = await openDirectChat(ann, bob);
    expect((await turnOn(chatId, ann)).status).toBe(200);
    await expectProblem(await turnOn(chatId, bob), 409, "chat_already_encrypted");
    const born = await json<EncryptedChat>(
      await api("/v1/chats", { token: ann.accessToken, body: { type: "group", title: "Sealed", memberIds: [bob.id], encrypted: true } }),
    );
    expect(born.encryptedFrom).toBeNull();
    await expectProblem(await turnOn(born.id, ann), 409, "chat_already_encrypted");
  });

  it("the general chat is never encrypted (403); no token is 401; a malformed id is 400", async () => {
    const ann = await registerUser();
    await api("/v1/chats", { token: ann.accessToken }); // joins the general chat
    await expectProblem(await turnOn("general", ann), 403, "general_chat_protected");
    const chatId = await openDirectChat(ann, await registerUser());
    await expectProblem(await turnOn(chatId, null), 401);
    await expectProblem(await turnOn("x".repeat(65), ann), 400);
    expect((await json<EncryptedChat>(await api(`/v1/chats/${chatId}`, { token: ann.accessToken }))).encrypted).toBe(false);
  });
});

describe("firstEncryptedSeq: where the line goes", () => {
  it("after the newest plain message; before an MLS message that already followed; 1 in an empty chat", () => {
    expect(firstEncryptedSeq({ items: [] })).toBe(1);
    expect(firstEncryptedSeq({ items: [{ seq: 7 }, { seq: 6 }] })).toBe(8);
    expect(firstEncryptedSeq({ items: [{ seq: 9, mls: "AAA" }, { seq: 8, mls: "AAB" }, { seq: 7 }] })).toBe(8);
    expect(
      firstEncryptedSeq({
        items: [
          { seq: 3, mls: "AAA" },
          { seq: 2, mls: "AAB" },
        ],
      }),
    ).toBe(2);
  });
});
