import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { makeModerator } from "../kit/users";
import { api, collectPages, expectProblem, json, registerUser } from "../helpers";
import { samples, uploadFile } from "../media/fixtures";
import { getChat, type MessageBody, newClientId, postMessage, untilSynced, usersAndGroup } from "./fixtures";

type MessagePage = { items: MessageBody[]; nextCursor: string | null };

async function history(chatId: string, token: string, query = ""): Promise<MessagePage> {
  const response = await api(`/v1/chats/${chatId}/messages${query}`, { token });
  expect(response.status, await response.clone().text()).toBe(200);
  return json<MessagePage>(response);
}

describe("POST /v1/chats/:id/messages", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await api("/v1/chats/general/messages", { body: { clientId: "a", text: "hi" } }), 401);
  });

  it("is 404 for someone who is not a member", async () => {
    const { chat } = await usersAndGroup(2);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}/messages`, { token: outsider.accessToken, body: { clientId: "a", text: "hi" } }), 404);
  });

  it("rejects malformed messages (400): blank, over 4000 characters, no clientId, bad attachments", async () => {
    const { users, chat } = await usersAndGroup(1);
    const token = users[0]!.accessToken;
    const path = `/v1/chats/${chat.id}/messages`;
    await expectProblem(await api(path, { token, body: { clientId: "a", text: "   " } }), 400, "invalid_body");
    await expectProblem(await api(path, { token, body: { clientId: "a", text: "x".repeat(4001) } }), 400, "invalid_body");
    await expectProblem(await api(path, { token, body: { text: "hi" } }), 400, "invalid_body");
    await expectProblem(await api(path, { token, body: { clientId: "a", text: "hi", attachments: ["not a file id!"] } }), 400, "invalid_body");
    expect((await history(chat.id, token)).items).toHaveLength(0);
  });

  it("accepts exactly 4000 characters, counted as characters not UTF-16 units", async () => {
    const { users, chat } = await usersAndGroup(1);
    const message = await postMessage(chat.id, users[0]!, "😀".repeat(4000));
    expect([...message.text]).toHaveLength(4000);
  });

  it("stores the message with seq 1, 2, ... and returns 201", async () => {
    const { users, chat } = await usersAndGroup(2);
    const first = await postMessage(chat.id, users[0]!, "hello");
    const second = await postMessage(chat.id, users[1]!, "hi back");
    expect(first).toMatchObject({ chatId: chat.id, seq: 1, senderId: users[0]!.id, text: "hello", deletedAt: null, reactions: [] });
    expect(second.seq).toBe(2);
  });

  it("the same clientId again returns the first message (200) and stores no duplicate", async () => {
    const { users, chat } = await usersAndGroup(1);
    const clientId = newClientId();
    const first = await postMessage(chat.id, users[0]!, "once", clientId);
    const again = await api(`/v1/chats/${chat.id}/messages`, { token: users[0]!.accessToken, body: { clientId, text: "once" } });
    expect(again.status).toBe(200);
    expect((await json<MessageBody>(again)).id).toBe(first.id);
    expect((await history(chat.id, users[0]!.accessToken)).items).toHaveLength(1);
  });

  it("two different senders may use the same clientId", async () => {
    const { users, chat } = await usersAndGroup(2);
    const a = await postMessage(chat.id, users[0]!, "a", "same");
    const b = await postMessage(chat.id, users[1]!, "b", "same");
    expect(a.id).not.toBe(b.id);
  });

  it("concurrent senders get unique, contiguous seqs", async () => {
    const { users, chat } = await usersAndGroup(4);
    const sends = users.flatMap((user) =>
      Array.from({ length: 8 }, (_, i) =>
        api(`/v1/chats/${chat.id}/messages`, { token: user.accessToken, body: { clientId: `k${i}`, text: `${user.id} ${i}` } }),
      ),
    );
    const replies = await Promise.all(sends);
    const seqs = (await Promise.all(replies.map((r) => json<MessageBody>(r)))).map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    const stored = await history(chat.id, users[0]!.accessToken, "?after=0&limit=100");
    expect(stored.items.map((m) => m.seq)).toEqual(seqs);
  });

  it("more than RATE_LIMIT_CHAT_MESSAGES (10/s) from one user is 429 with Retry-After", async () => {
    const { users, chat } = await usersAndGroup(1);
    const replies = await Promise.all(
      Array.from({ length: 14 }, (_, i) => api(`/v1/chats/${chat.id}/messages`, { token: users[0]!.accessToken, body: { clientId: `r${i}`, text: "spam" } })),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(10);
    expect(limited).toHaveLength(4);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await expectProblem(limited[0]!, 429, "rate_limited");
  });

  it("attachments must name a stored file of the sender; one is accepted with its name, type and size", async () => {
    const { users, chat } = await usersAndGroup(1);
    const missing = "01a20000-0000-7000-8000-000000000000";
    await expectProblem(
      await api(`/v1/chats/${chat.id}/messages`, { token: users[0]!.accessToken, body: { clientId: "att0", text: "see", attachments: [missing] } }),
      400,
      "unknown_attachment",
    );
    const file = await uploadFile(users[0]!, samples.pdf, { purpose: "attachment", name: "notes.pdf" });
    const response = await api(`/v1/chats/${chat.id}/messages`, {
      token: users[0]!.accessToken,
      body: { clientId: "att1", text: "see", attachments: [file.id] },
    });
    expect(response.status).toBe(201);
    expect((await json<MessageBody>(response)).attachments).toEqual([
      { id: file.id, name: "notes.pdf", contentType: "application/pdf", size: samples.pdf.length },
    ]);
  });
});

describe("GET /v1/chats/:id/messages", () => {
  it("needs a token (401) and membership (404)", async () => {
    const { chat } = await usersAndGroup(1);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}/messages`), 401);
    await expectProblem(await api(`/v1/chats/${chat.id}/messages`, { token: outsider.accessToken }), 404);
  });

  it("rejects malformed queries (400)", async () => {
    const { users, chat } = await usersAndGroup(1);
    const token = users[0]!.accessToken;
    await expectProblem(await api(`/v1/chats/${chat.id}/messages?before=1&after=1`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/chats/${chat.id}/messages?after=-1`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/chats/${chat.id}/messages?limit=0`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/chats/${chat.id}/messages?q=x&after=2`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/chats/${chat.id}/messages?cursor=garbage`, { token }), 400, "invalid_cursor");
  });

  it("pages backwards newest first (before / cursor) and forwards oldest first (after / cursor)", async () => {
    const { users, chat } = await usersAndGroup(1);
    const token = users[0]!.accessToken;
    for (let i = 1; i <= 7; i++) await postMessage(chat.id, users[0]!, `m${i}`, `p${i}`);

    const newestFirst = await collectPages<MessageBody>(`/v1/chats/${chat.id}/messages`, { token, limit: 3 });
    expect(newestFirst.map((page) => page.map((m) => m.seq))).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    expect((await history(chat.id, token, "?before=3")).items.map((m) => m.seq)).toEqual([2, 1]);

    const catchUp = await history(chat.id, token, "?after=2&limit=3");
    expect(catchUp.items.map((m) => m.seq)).toEqual([3, 4, 5]);
    const rest = await history(chat.id, token, `?limit=3&cursor=${catchUp.nextCursor}`);
    expect(rest.items.map((m) => m.seq)).toEqual([6, 7]);
    expect(rest.nextCursor).toBeNull();
    expect((await history(chat.id, token, "?after=7")).items).toEqual([]);
  });

  it("searches with ?q= (full-text, prefix, newest first), not finding deleted or edited-away text", async () => {
    const { users, chat } = await usersAndGroup(1);
    const token = users[0]!.accessToken;
    await postMessage(chat.id, users[0]!, "Lunch at noon?");
    await postMessage(chat.id, users[0]!, "Something else entirely");
    const gone = await postMessage(chat.id, users[0]!, "lunch is cancelled");
    const changed = await postMessage(chat.id, users[0]!, "lunchtime soon");
    await postMessage(chat.id, users[0]!, "Café au lait");
    await api(`/v1/chats/${chat.id}/messages/${gone.id}`, { method: "DELETE", token });
    await api(`/v1/chats/${chat.id}/messages/${changed.id}`, { method: "PATCH", token, body: { text: "dinner then" } });

    expect((await history(chat.id, token, "?q=lunch")).items.map((m) => m.text)).toEqual(["Lunch at noon?"]);
    expect((await history(chat.id, token, "?q=dinner")).items.map((m) => m.id)).toEqual([changed.id]);
    expect((await history(chat.id, token, "?q=cafe")).items.map((m) => m.text)).toEqual(["Café au lait"]);
    expect((await history(chat.id, token, `?q=${encodeURIComponent('" OR * NEAR(')}`)).items).toEqual([]);
    const paged = await history(chat.id, token, "?q=a&limit=1");
    expect(paged.items).toHaveLength(1);
    expect(paged.items[0]!.text).toBe("Café au lait");
    const next = await history(chat.id, token, `?limit=1&cursor=${paged.nextCursor}`);
    expect(next.items.map((m) => m.text)).toEqual(["Lunch at noon?"]);
  });

  it("messages survive the room being evicted: history is read back from its storage", async () => {
    const { users, chat } = await usersAndGroup(2);
    for (let i = 1; i <= 5; i++) await postMessage(chat.id, users[i % 2]!, `durable ${i}`);
    await evictDurableObject(env.CHAT_ROOM.getByName(chat.id));
    const page = await history(chat.id, users[0]!.accessToken, "?after=0");
    expect(page.items.map((m) => [m.seq, m.text])).toEqual([1, 2, 3, 4, 5].map((i) => [i, `durable ${i}`]));
    // Sequence numbers continue where they were, and idempotency still holds after the restart.
    expect((await postMessage(chat.id, users[0]!, "after restart")).seq).toBe(6);
    const replay = await api(`/v1/chats/${chat.id}/messages`, { token: users[1]!.accessToken, body: { clientId: page.items[0]!.clientId, text: "x" } });
    expect(replay.status).toBe(200);
    expect((await json<MessageBody>(replay)).seq).toBe(1);
  });
});

describe("POST /v1/chats/:id/read and unread counts", () => {
  it("needs a token (401), membership (404) and a valid seq (400)", async () => {
    const { users, chat } = await usersAndGroup(1);
    const outsider = await registerUser();
    await expectProblem(await api(`/v1/chats/${chat.id}/read`, { body: { seq: 0 } }), 401);
    await expectProblem(await api(`/v1/chats/${chat.id}/read`, { token: outsider.accessToken, body: { seq: 0 } }), 404);
    await expectProblem(await api(`/v1/chats/${chat.id}/read`, { token: users[0]!.accessToken, body: { seq: -1 } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/chats/${chat.id}/read`, { token: users[0]!.accessToken, body: { seq: 99 } }), 400, "invalid_seq");
  });

  it("the unread count follows new messages and drops as the member reads; it never goes back", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
    for (let i = 0; i < 4; i++) await postMessage(chat.id, alice, `n${i}`);
    await vi.waitFor(async () => expect((await getChat(chat.id, bob)).unreadCount).toBe(4), untilSynced);
    expect((await api(`/v1/chats/${chat.id}/read`, { token: bob.accessToken, body: { seq: 3 } })).status).toBe(204);
    expect((await getChat(chat.id, bob)).unreadCount).toBe(1);
    await api(`/v1/chats/${chat.id}/read`, { token: bob.accessToken, body: { seq: 1 } });
    expect((await getChat(chat.id, bob)).unreadCount).toBe(1);
    await api(`/v1/chats/${chat.id}/read`, { token: bob.accessToken, body: { seq: 4 } });
    expect((await getChat(chat.id, bob)).unreadCount).toBe(0);
    expect((await getChat(chat.id, alice)).unreadCount).toBe(0);
  });
});

describe("editing, deleting and reacting over REST", () => {
  it("only the sender edits; others get 403, outsiders 404, unknown ids 404", async () => {
    const { users, chat } = await usersAndGroup(2);
    const outsider = await registerUser();
    const message = await postMessage(chat.id, users[0]!, "draft");
    const path = `/v1/chats/${chat.id}/messages/${message.id}`;
    await expectProblem(await api(path, { method: "PATCH", body: { text: "x" } }), 401);
    await expectProblem(await api(path, { method: "PATCH", token: users[1]!.accessToken, body: { text: "hacked" } }), 403, "not_message_sender");
    await expectProblem(await api(path, { method: "PATCH", token: outsider.accessToken, body: { text: "x" } }), 404);
    await expectProblem(
      await api(`/v1/chats/${chat.id}/messages/nope`, { method: "PATCH", token: users[0]!.accessToken, body: { text: "x" } }),
      404,
      "message_not_found",
    );
    await expectProblem(await api(path, { method: "PATCH", token: users[0]!.accessToken, body: { text: "" } }), 400, "invalid_body");
    const edited = await json<MessageBody>(await api(path, { method: "PATCH", token: users[0]!.accessToken, body: { text: "final" } }));
    expect(edited).toMatchObject({ text: "final", seq: message.seq });
    expect(edited.editedAt).not.toBeNull();
  });

  it("a member cannot delete someone else's message; a moderator can; deleted messages keep their seq", async () => {
    const { users, chat } = await usersAndGroup(3);
    const message = await postMessage(chat.id, users[0]!, "rude");
    const path = `/v1/chats/${chat.id}/messages/${message.id}`;
    await expectProblem(await api(path, { method: "DELETE", token: users[1]!.accessToken }), 403, "not_message_sender");
    await makeModerator(users[2]!);
    const deleted = await json<MessageBody>(await api(path, { method: "DELETE", token: users[2]!.accessToken }));
    expect(deleted).toMatchObject({ seq: message.seq, text: "" });
    expect(deleted.deletedAt).not.toBeNull();
    await expectProblem(await api(path, { method: "PATCH", token: users[0]!.accessToken, body: { text: "again" } }), 409, "message_deleted");
    const page = await history(chat.id, users[0]!.accessToken);
    expect(page.items[0]).toMatchObject({ id: message.id, text: "", seq: 1 });
  });

  it("the sender deletes their own message", async () => {
    const { users, chat } = await usersAndGroup(1);
    const message = await postMessage(chat.id, users[0]!, "oops");
    const response = await api(`/v1/chats/${chat.id}/messages/${message.id}`, { method: "DELETE", token: users[0]!.accessToken });
    expect(response.status).toBe(200);
    expect((await json<MessageBody>(response)).deletedAt).not.toBeNull();
  });

  it("reactions: one per user per emoji, removable, validated", async () => {
    const { users, chat } = await usersAndGroup(2);
    const message = await postMessage(chat.id, users[0]!, "nice");
    const path = `/v1/chats/${chat.id}/messages/${message.id}/reactions`;
    await expectProblem(await api(path, { token: users[0]!.accessToken, body: { emoji: "not an emoji" } }), 400, "invalid_body");
    await api(path, { token: users[0]!.accessToken, body: { emoji: "👍" } });
    await api(path, { token: users[0]!.accessToken, body: { emoji: "👍" } });
    const both = await json<MessageBody>(await api(path, { token: users[1]!.accessToken, body: { emoji: "👍" } }));
    expect(both.reactions).toEqual([{ emoji: "👍", count: 2, userIds: [users[0]!.id, users[1]!.id] }]);
    const removed = await json<MessageBody>(await api(path, { token: users[0]!.accessToken, body: { emoji: "👍", remove: true } }));
    expect(removed.reactions).toEqual([{ emoji: "👍", count: 1, userIds: [users[1]!.id] }]);
  });
});
