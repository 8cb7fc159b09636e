import { describe, expect, it, vi } from "vitest";
import { makeModerator } from "../kit/users";
import { acceptSocket, api, expectProblem, json, registerUser, upgrade } from "../helpers";
import { connect, connectHub, getChat, type MessageBody, newClientId, postMessage, untilSynced, usersAndGroup } from "./fixtures";

describe("GET /v1/chats/:id/ws: who may connect", () => {
  it("no credentials is 401 before the socket opens", async () => {
    const { chat } = await usersAndGroup(1);
    await expectProblem(await upgrade(`/v1/chats/${chat.id}/ws`), 401);
    await expectProblem(await upgrade(`/v1/chats/${chat.id}/ws`, { authorization: "Bearer not.a.jwt" }), 401);
    await expectProblem(await upgrade(`/v1/chats/${chat.id}/ws?ticket=forged`), 401, "invalid_ticket");
  });

  it("an outsider is refused with 404 before the socket opens", async () => {
    const { chat } = await usersAndGroup(1);
    const outsider = await registerUser();
    await expectProblem(await upgrade(`/v1/chats/${chat.id}/ws`, { authorization: `Bearer ${outsider.accessToken}` }), 404);
  });

  it("a request without an upgrade is 426", async () => {
    const { users, chat } = await usersAndGroup(1);
    await expectProblem(await api(`/v1/chats/${chat.id}/ws`, { token: users[0]!.accessToken }), 426, "upgrade_required");
  });

  it("a single-use ticket opens it once; the user id comes from the ticket, not the client", async () => {
    const { users, chat } = await usersAndGroup(2);
    const { ticket } = await json<{ ticket: string }>(await api("/v1/realtime/tickets", { method: "POST", token: users[1]!.accessToken }));
    // A client-chosen partyserver connection id (`_pk`) and forged identity headers change nothing.
    const path = `/v1/chats/${chat.id}/ws?ticket=${ticket}&_pk=${users[0]!.id}`;
    const response = await upgrade(path, { "x-platform-user-id": users[0]!.id });
    expect(response.status).toBe(101);
    const socket = acceptSocket(response);
    expect((await socket.next("hello")).userId).toBe(users[1]!.id);
    socket.send({ type: "message.send", clientId: "t1", text: "who am I" });
    expect((await socket.next("message.ack")).message.senderId).toBe(users[1]!.id);
    socket.close();
    await expectProblem(await upgrade(path), 401, "invalid_ticket");
  });
});

describe("message.send frames", () => {
  it("the sender gets message.ack, every other socket message.new, and the message is stored", async () => {
    const { users, chat } = await usersAndGroup(3);
    const [a, b, c] = await Promise.all(users.map((u) => connect(chat.id, u)));
    a!.send({ type: "message.send", clientId: "x1", text: "hello room" });
    const ack = await a!.next("message.ack");
    expect(ack).toMatchObject({ clientId: "x1", message: { seq: 1, text: "hello room", senderId: users[0]!.id } });
    for (const other of [b!, c!]) expect((await other.next("message.new")).message.id).toBe(ack.message.id);
    await a!.sync();
    expect(a!.waiting("message.new")).toHaveLength(0);
    const stored = await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chat.id}/messages`, { token: users[2]!.accessToken }));
    expect(stored.items.map((m) => m.id)).toEqual([ack.message.id]);
    for (const s of [a!, b!, c!]) s.close();
  });

  it("resending a clientId acknowledges the first message again without a duplicate or a second broadcast", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [a, b] = await Promise.all(users.map((u) => connect(chat.id, u)));
    a!.send({ type: "message.send", clientId: "dup", text: "once" });
    a!.send({ type: "message.send", clientId: "dup", text: "once" });
    const first = await a!.next("message.ack");
    const second = await a!.next("message.ack");
    expect(second.message.id).toBe(first.message.id);
    await b!.next("message.new");
    await b!.sync();
    expect(b!.waiting("message.new")).toHaveLength(0);
    // A REST retry with the same clientId also finds it.
    const rest = await api(`/v1/chats/${chat.id}/messages`, { token: users[0]!.accessToken, body: { clientId: "dup", text: "once" } });
    expect(rest.status).toBe(200);
    a!.close();
    b!.close();
  });

  it("REST sends reach every connected socket as message.new", async () => {
    const { users, chat } = await usersAndGroup(2);
    const socket = await connect(chat.id, users[1]!);
    const sent = await postMessage(chat.id, users[0]!, "via REST");
    expect((await socket.next("message.new")).message.id).toBe(sent.id);
    socket.close();
  });

  it("concurrent senders over sockets get unique contiguous seqs, seen in the same order by everyone", async () => {
    const { users, chat } = await usersAndGroup(4);
    const sockets = await Promise.all(users.map((u) => connect(chat.id, u)));
    sockets.forEach((s, i) => {
      for (let n = 0; n < 5; n++) s.send({ type: "message.send", clientId: `s${i}-${n}`, text: `from ${i} #${n}` });
    });
    const orders: number[][] = [];
    for (const socket of sockets) {
      const seqs: number[] = [];
      for (let n = 0; n < 5; n++) seqs.push((await socket.next("message.ack")).message.seq);
      for (let n = 0; n < 15; n++) seqs.push((await socket.next("message.new")).message.seq);
      orders.push(seqs);
    }
    expect(orders.flatMap((o) => o.slice(0, 5)).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const order of orders) expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const s of sockets) s.close();
  });

  it("over the per-user rate limit: an error frame with a code, and the socket stays open", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    for (let n = 0; n < 12; n++) socket.send({ type: "message.send", clientId: `rl${n}`, text: "fast" });
    const error = await socket.next("error");
    expect(error).toMatchObject({ code: "rate_limited", clientId: "rl10" });
    await socket.sync();
    expect(socket.waiting("message.ack")).toHaveLength(10);
    expect(socket.closed).toBeNull();
    socket.close();
  });

  it("over the limit, a resend of a stored clientId is still acknowledged with the stored message", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    for (let n = 0; n < 12; n++) socket.send({ type: "message.send", clientId: `again${n}`, text: "fast" });
    expect(await socket.next("error")).toMatchObject({ code: "rate_limited" });
    const first = await socket.next("message.ack");
    socket.send({ type: "message.send", clientId: "again0", text: "fast" });
    await socket.sync();
    const acks = socket.waiting("message.ack");
    expect(acks.filter((ack) => ack.clientId === "again0").map((ack) => ack.message.id)).toEqual([first.message.id]);
    const history = await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chat.id}/messages?after=0`, { token: users[0]!.accessToken }));
    expect(history.items.filter((m) => m.clientId === "again0")).toHaveLength(1);
    socket.close();
  });

  it("a burst from one socket is stored in arrival order and acknowledged in that order, each ack carrying its stored message", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [sender, other] = await Promise.all(users.map((u) => connect(chat.id, u)));
    // Under the per-user limit (10/s), but all in flight at once: they share group commits.
    for (let n = 0; n < 9; n++) sender!.send({ type: "message.send", clientId: `burst${n}`, text: `burst #${n}` });
    const acks = [];
    for (let n = 0; n < 9; n++) acks.push(await sender!.next("message.ack"));
    expect(acks.map((ack) => [ack.clientId, ack.message.seq, ack.message.text])).toEqual(
      Array.from({ length: 9 }, (_, n) => [`burst${n}`, n + 1, `burst #${n}`]),
    );
    const seen = [];
    for (let n = 0; n < 9; n++) seen.push((await other!.next("message.new")).message.seq);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const history = await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chat.id}/messages?after=0`, { token: users[1]!.accessToken }));
    expect(history.items.map((m) => m.id)).toEqual(acks.map((ack) => ack.message.id));
    sender!.close();
    other!.close();
  });
});

describe("malformed frames", () => {
  const cases: [string, unknown, string][] = [
    ["text that is not JSON", "{not json", "malformed_frame"],
    ["JSON that is not an object", "[1,2]", "malformed_frame"],
    ["an object without a type", { text: "hi" }, "malformed_frame"],
    ["an unknown type", { type: "launch.missiles" }, "unknown_frame_type"],
    ["message.send without clientId", { type: "message.send", text: "hi" }, "invalid_frame"],
    ["message.send with blank text", { type: "message.send", clientId: "a", text: "  " }, "invalid_frame"],
    ["message.send over 4000 characters", { type: "message.send", clientId: "a", text: "x".repeat(4001) }, "invalid_frame"],
    ["message.send with a bad attachment id", { type: "message.send", clientId: "a", text: "hi", attachments: ["../etc"] }, "invalid_frame"],
    ["read without seq", { type: "read" }, "invalid_frame"],
    ["read with a negative seq", { type: "read", seq: -1 }, "invalid_frame"],
    ["read past the newest message", { type: "read", seq: 1000 }, "invalid_seq"],
    ["message.edit without text", { type: "message.edit", id: "x" }, "invalid_frame"],
    ["message.edit of an unknown message", { type: "message.edit", id: "nope", text: "x" }, "message_not_found"],
    ["message.delete without id", { type: "message.delete" }, "invalid_frame"],
    ["message.delete of an unknown message", { type: "message.delete", id: "nope" }, "message_not_found"],
    ["reaction with a word for an emoji", { type: "reaction", id: "x", emoji: "lol" }, "invalid_frame"],
    ["reaction to an unknown message", { type: "reaction", id: "nope", emoji: "🎉" }, "message_not_found"],
    ["typing with a wrong type for a field", { type: 7 }, "malformed_frame"],
    ["a frame over the size limit", { type: "message.send", clientId: "a", text: "x".repeat(30_000) }, "frame_too_large"],
  ];

  it.each(cases)("%s is answered by an error frame and the socket stays open", async (_name, frame, code) => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    socket.send(frame);
    expect((await socket.next("error")).code).toBe(code);
    await socket.sync();
    expect(socket.closed).toBeNull();
    socket.close();
  });

  it("a binary frame is answered by binary_not_supported", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    socket.ws.send(new Uint8Array([1, 2, 3]));
    expect((await socket.next("error")).code).toBe("binary_not_supported");
    await socket.sync();
    socket.close();
  });
});

describe("typing, read, edit, delete and reaction frames", () => {
  it("typing is relayed to the others (not the typist) and never stored", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [a, b] = await Promise.all(users.map((u) => connect(chat.id, u)));
    a!.send({ type: "typing" });
    expect(await b!.next("typing")).toEqual({ type: "typing", userId: users[0]!.id });
    await a!.sync();
    expect(a!.waiting("typing")).toHaveLength(0);
    const stored = await json<{ items: unknown[] }>(await api(`/v1/chats/${chat.id}/messages`, { token: users[0]!.accessToken }));
    expect(stored.items).toHaveLength(0);
    a!.close();
    b!.close();
  });

  it("a read frame stores the position (unread drops) and tells the others", async () => {
    const { users, chat } = await usersAndGroup(2);
    await postMessage(chat.id, users[0]!, "one");
    await postMessage(chat.id, users[0]!, "two");
    const [a, b] = await Promise.all(users.map((u) => connect(chat.id, u)));
    b!.send({ type: "read", seq: 2 });
    expect(await a!.next("read")).toEqual({ type: "read", userId: users[1]!.id, seq: 2 });
    expect((await getChat(chat.id, users[1]!)).unreadCount).toBe(0);
    a!.close();
    b!.close();
  });

  it("only the sender edits; everyone sees message.updated", async () => {
    const { users, chat } = await usersAndGroup(2);
    const message = await postMessage(chat.id, users[0]!, "typo");
    const [a, b] = await Promise.all(users.map((u) => connect(chat.id, u)));
    b!.send({ type: "message.edit", id: message.id, text: "not mine" });
    expect(await b!.next("error")).toMatchObject({ code: "not_message_sender", id: message.id });
    a!.send({ type: "message.edit", id: message.id, text: "fixed" });
    const update = await b!.next("message.updated");
    expect(update.message).toMatchObject({ id: message.id, text: "fixed", seq: message.seq });
    expect(update.message.editedAt).not.toBeNull();
    a!.close();
    b!.close();
  });

  it("delete: not someone else's message, yes your own, yes anyone's as a moderator", async () => {
    const { users, chat } = await usersAndGroup(3);
    await makeModerator(users[2]!);
    const mine = await postMessage(chat.id, users[0]!, "mine");
    const flagged = await postMessage(chat.id, users[1]!, "flagged");
    const [a, b, mod] = await Promise.all(users.map((u) => connect(chat.id, u)));
    a!.send({ type: "message.delete", id: flagged.id });
    expect((await a!.next("error")).code).toBe("not_message_sender");
    a!.send({ type: "message.delete", id: mine.id });
    expect((await b!.next("message.updated")).message).toMatchObject({ id: mine.id, text: "" });
    mod!.send({ type: "message.delete", id: flagged.id });
    const removed = (await a!.next("message.updated", (f) => f.message.id === flagged.id)).message;
    expect(removed.deletedAt).not.toBeNull();
    for (const s of [a!, b!, mod!]) s.close();
  });

  it("reactions: one per user per emoji, broadcast as message.updated, removable", async () => {
    const { users, chat } = await usersAndGroup(2);
    const message = await postMessage(chat.id, users[0]!, "party");
    const [a, b] = await Promise.all(users.map((u) => connect(chat.id, u)));
    a!.send({ type: "reaction", id: message.id, emoji: "🎉" });
    a!.send({ type: "reaction", id: message.id, emoji: "🎉" });
    b!.send({ type: "reaction", id: message.id, emoji: "🎉" });
    await a!.next("message.updated");
    await a!.next("message.updated");
    expect((await a!.next("message.updated")).message.reactions).toEqual([{ emoji: "🎉", count: 2, userIds: [users[0]!.id, users[1]!.id] }]);
    b!.send({ type: "reaction", id: message.id, emoji: "🎉", remove: true });
    expect((await a!.next("message.updated")).message.reactions).toEqual([{ emoji: "🎉", count: 1, userIds: [users[0]!.id] }]);
    a!.close();
    b!.close();
  });

  it("ping is answered by pong", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    socket.send({ type: "ping" });
    expect(await socket.next("pong")).toEqual({ type: "pong" });
    socket.close();
  });
});

describe("membership on every frame", () => {
  it("a member removed while connected gets an error frame and is disconnected", async () => {
    const { users, chat } = await usersAndGroup(2);
    const socket = await connect(chat.id, users[1]!);
    await api(`/v1/chats/${chat.id}/members/${users[1]!.id}`, { method: "DELETE", token: users[0]!.accessToken });
    expect((await socket.next("error")).code).toBe("not_a_member");
    expect((await socket.waitClosed()).code).toBe(4003);
  });
});

describe("catch-up after a reconnect", () => {
  it("a client that was away reads everything after its last seen seq, in order, then continues live", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
    let socket = await connect(chat.id, bob);
    await postMessage(chat.id, alice, "seen 1");
    await postMessage(chat.id, alice, "seen 2");
    const lastSeen = (await socket.next("message.new", (f) => f.message.text === "seen 2")).message.seq;
    socket.close();
    await socket.waitClosed();

    const missed: string[] = [];
    for (let i = 1; i <= 5; i++) missed.push((await postMessage(chat.id, alice, `missed ${i}`)).text);

    socket = await connect(chat.id, bob);
    const catchUp = await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chat.id}/messages?after=${lastSeen}`, { token: bob.accessToken }));
    expect(catchUp.items.map((m) => m.text)).toEqual(missed);
    expect(catchUp.items.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    await postMessage(chat.id, alice, "live again");
    expect((await socket.next("message.new")).message.seq).toBe(8);
    socket.close();
  });
});

describe("chat.updated on the user hub", () => {
  it("a member without the room open learns of new messages through /v1/realtime, with their unread count", async () => {
    const { users, chat } = await usersAndGroup(2);
    const hub = await connectHub(users[1]!);
    await postMessage(chat.id, users[0]!, "ping you");
    const update = await hub.next("chat.updated", (f) => f.chat.id === chat.id && f.chat.lastSeq === 1);
    expect(update.chat).toMatchObject({ id: chat.id, unreadCount: 1, lastMessage: { text: "ping you" } });
    hub.close();
  });

  it("a member with the room open is not notified through the hub as well", async () => {
    const { users, chat } = await usersAndGroup(2);
    const hub = await connectHub(users[1]!);
    const room = await connect(chat.id, users[1]!);
    await postMessage(chat.id, users[0]!, "in room");
    await room.next("message.new");
    await vi.waitFor(async () => expect((await getChat(chat.id, users[1]!)).lastSeq).toBe(1), untilSynced);
    hub.send({ type: "ping" });
    await hub.next("pong");
    expect(hub.waiting("chat.updated").filter((f) => f.chat.id === chat.id && f.chat.lastSeq === 1)).toHaveLength(0);
    hub.close();
    room.close();
  });

  it("when every member had the room open and one leaves it, the next message reaches them through the hub", async () => {
    // The room remembers its sockets and who is connected between messages: a socket that opens
    // or closes must change both (fan-out and the hub notification that skips connected members).
    const { users, chat } = await usersAndGroup(2);
    const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
    const hub = await connectHub(bob);
    const sender = await connect(chat.id, alice);
    let room = await connect(chat.id, bob);
    await postMessage(chat.id, alice, "both here");
    await room.next("message.new");
    await vi.waitFor(async () => expect((await getChat(chat.id, bob)).lastSeq).toBe(1), untilSynced);
    // Synced once more with both connected: the members were read, and nobody is notified.
    await postMessage(chat.id, alice, "still both here");
    await room.next("message.new", (f) => f.message.seq === 2);
    await vi.waitFor(async () => expect((await getChat(chat.id, bob)).lastSeq).toBe(2), untilSynced);
    room.close();
    await room.waitClosed();

    await postMessage(chat.id, alice, "bob left");
    const update = await hub.next("chat.updated", (f) => f.chat.id === chat.id && f.chat.lastSeq === 3);
    expect(update.chat).toMatchObject({ unreadCount: 3, lastMessage: { text: "bob left" } });
    expect(hub.waiting("chat.updated").filter((f) => f.chat.id === chat.id && f.chat.lastSeq < 3)).toHaveLength(0);

    // Back in the room: the next message reaches the new socket.
    room = await connect(chat.id, bob);
    await postMessage(chat.id, alice, "welcome back");
    expect((await room.next("message.new")).message.text).toBe("welcome back");
    for (const socket of [hub, sender, room]) socket.close();
  });

  it("a read in one tab clears the unread count on the user's other devices through the hub", async () => {
    const { users, chat } = await usersAndGroup(2);
    const hub = await connectHub(users[1]!);
    await postMessage(chat.id, users[0]!, "one");
    await postMessage(chat.id, users[0]!, "two");
    await hub.next("chat.updated", (f) => f.chat.id === chat.id && f.chat.unreadCount === 2);
    const room = await connect(chat.id, users[1]!);
    room.send({ type: "read", seq: 2 });
    const cleared = await hub.next("chat.updated", (f) => f.chat.id === chat.id && f.chat.unreadCount === 0);
    expect(cleared.chat).toMatchObject({ readSeq: 2, lastSeq: 2 });
    hub.close();
    room.close();
  });
});

describe("sending with a new clientId after a failed attempt", () => {
  it("a message rejected for its text leaves no trace and the next valid one takes the next seq", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    socket.send({ type: "message.send", clientId: newClientId(), text: "" });
    await socket.next("error");
    socket.send({ type: "message.send", clientId: newClientId(), text: "ok" });
    expect((await socket.next("message.ack")).message.seq).toBe(1);
    socket.close();
  });
});
