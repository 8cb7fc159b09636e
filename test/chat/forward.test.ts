import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { fetchContent, samples, uploadFile } from "../media/fixtures";
import { connect, type MessageBody, newClientId, openGroup, postMessage } from "./fixtures";

type Forwarded = MessageBody & { forwardedFrom?: { senderId: string | null; chatId: string } };

/** Alice writes in a group with Bob; Alice also has a second group with Carol, the forward's target. */
async function twoChats(): Promise<{ alice: TestUser; bob: TestUser; carol: TestUser; source: { id: string }; target: { id: string } }> {
  const [alice, bob, carol] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const source = await openGroup(bob, [alice], "Source");
  const target = await openGroup(alice, [carol], "Target");
  return { alice, bob, carol, source, target };
}

const forward = (chatId: string, messageId: string, user: TestUser | null, body: unknown) =>
  api(`/v1/chats/${chatId}/messages/${messageId}/forward`, { token: user?.accessToken, body });

describe("POST /v1/chats/:id/messages/:messageId/forward", () => {
  it("needs a token (401)", async () => {
    const { bob, source, target } = await twoChats();
    const original = await postMessage(source.id, bob, "hello");
    await expectProblem(await forward(source.id, original.id, null, { toChatId: target.id, clientId: "f1" }), 401);
  });

  it("is 404 for someone who is not a member of the source chat or of the target chat", async () => {
    const { alice, bob, carol, source, target } = await twoChats();
    const original = await postMessage(source.id, bob, "hello");
    // Carol is in the target but not in the source; Bob is in the source but not in the target.
    await expectProblem(await forward(source.id, original.id, carol, { toChatId: target.id, clientId: "f1" }), 404);
    await expectProblem(await forward(source.id, original.id, bob, { toChatId: target.id, clientId: "f1" }), 404);
    await expectProblem(await forward(source.id, "no-such-message", alice, { toChatId: target.id, clientId: "f1" }), 404, "message_not_found");
    const page = await json<{ items: unknown[] }>(await api(`/v1/chats/${target.id}/messages`, { token: alice.accessToken }));
    expect(page.items).toEqual([]);
  });

  it("rejects a malformed body (400) and a deleted original (409)", async () => {
    const { alice, bob, source, target } = await twoChats();
    const original = await postMessage(source.id, bob, "hello");
    await expectProblem(await forward(source.id, original.id, alice, { clientId: "f1" }), 400, "invalid_body");
    await expectProblem(await forward(source.id, original.id, alice, { toChatId: target.id }), 400, "invalid_body");
    await expectProblem(await forward(source.id, original.id, alice, { toChatId: target.id, clientId: "no spaces" }), 400, "invalid_body");
    await expectProblem(await forward(source.id, original.id, alice, { toChatId: target.id, clientId: "f1", text: "extra" }), 400, "invalid_body");
    expect((await api(`/v1/chats/${source.id}/messages/${original.id}`, { method: "DELETE", token: bob.accessToken })).status).toBe(200);
    await expectProblem(await forward(source.id, original.id, alice, { toChatId: target.id, clientId: "f2" }), 409, "message_deleted");
  });

  it("stores a copy in the target chat that says whom and where it comes from, once per clientId, and the page names the original sender", async () => {
    const { alice, bob, source, target } = await twoChats();
    const original = await postMessage(source.id, bob, "the plan");
    const clientId = newClientId();
    const response = await forward(source.id, original.id, alice, { toChatId: target.id, clientId });
    expect(response.status, await response.clone().text()).toBe(201);
    const copy = await json<Forwarded>(response);
    expect(copy).toMatchObject({ chatId: target.id, seq: 1, senderId: alice.id, text: "the plan", forwardedFrom: { senderId: bob.id, chatId: source.id } });
    const again = await forward(source.id, original.id, alice, { toChatId: target.id, clientId });
    expect(again.status).toBe(200);
    expect((await json<Forwarded>(again)).id).toBe(copy.id);
    const page = await json<{ items: Forwarded[]; people: { id: string; displayName: string }[] }>(
      await api(`/v1/chats/${target.id}/messages`, { token: alice.accessToken }),
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.forwardedFrom).toEqual({ senderId: bob.id, chatId: source.id });
    expect(page.people.map((person) => person.displayName)).toContain(bob.displayName);
    // An ordinary message has no forwardedFrom at all.
    expect(((await postMessage(target.id, alice, "mine")) as Forwarded).forwardedFrom).toBeUndefined();
  });

  it("a forward of a forward keeps the first origin", async () => {
    const { alice, bob, carol, source, target } = await twoChats();
    const third = await openGroup(carol, [], "Carol alone");
    const original = await postMessage(source.id, bob, "pass it on");
    const first = await json<Forwarded>(await forward(source.id, original.id, alice, { toChatId: target.id, clientId: newClientId() }));
    const second = await forward(target.id, first.id, carol, { toChatId: third.id, clientId: newClientId() });
    expect(second.status).toBe(201);
    expect((await json<Forwarded>(second)).forwardedFrom).toEqual({ senderId: bob.id, chatId: source.id });
  });

  it("carries the original's files by reference: the target chat's members may read them", async () => {
    const { alice, bob, carol, source, target } = await twoChats();
    const file = await uploadFile(bob, samples.pdf, { purpose: "attachment", name: "notes.pdf" });
    const sent = await api(`/v1/chats/${source.id}/messages`, { token: bob.accessToken, body: { clientId: newClientId(), text: "see", attachments: [file.id] } });
    const original = await json<MessageBody>(sent);
    expect((await api(`/v1/files/${file.id}`, { token: carol.accessToken })).status).toBe(404);
    const copy = await json<Forwarded>(await forward(source.id, original.id, alice, { toChatId: target.id, clientId: newClientId() }));
    expect(copy.attachments).toEqual(original.attachments);
    expect(await json(await api(`/v1/files/${file.id}`, { token: carol.accessToken }))).toMatchObject({ id: file.id, ownerId: bob.id });
    const content = await fetchContent(`/v1/files/${file.id}/content`, { token: carol.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(samples.pdf);
  });

  it("arrives in the target room's sockets as message.new with its origin", async () => {
    const { alice, bob, carol, source, target } = await twoChats();
    const socket = await connect(target.id, carol);
    const original = await postMessage(source.id, bob, "live");
    const copy = await json<Forwarded>(await forward(source.id, original.id, alice, { toChatId: target.id, clientId: newClientId() }));
    const frame = await socket.next("message.new");
    expect(frame.message).toMatchObject({ id: copy.id, text: "live", senderId: alice.id, forwardedFrom: { senderId: bob.id, chatId: source.id } });
    socket.close();
  });
});
