// Every socket object answers a client's Close, with or without a status code (RFC 6455, 5.5.1).
// A browser's or Node's `socket.close()` sends a Close frame with no status code; left unanswered,
// the client waits for the handshake to end, and workerd keeps the socket's pipe until the object
// is evicted (shared/realtime/socket-server.ts says why that matters).
import { describe, expect, it } from "vitest";
import { GENERAL_CHAT_ID } from "../../shared/chat/model";
import { registerUser, type TestSocket } from "../helpers";
import { family, joinGroupCall, startGroupCall } from "../calls/group-fixtures";
import { openHub, openSignalling, placeCall, twoUsers } from "../calls/fixtures";
import { connect, usersAndGroup } from "../chat/fixtures";

/** Closes `socket` the way `socket.close()` does, without a code, and returns how the server answered. */
async function closeWithoutCode(socket: TestSocket) {
  socket.ws.close();
  return socket.waitClosed(3000);
}

describe("a Close without a status code is answered", () => {
  it("by a chat room (ChatRoom)", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    expect(await closeWithoutCode(socket)).toEqual({ code: 1005, reason: "" });
  });

  it("by the general chat's fan-out shard (ChatFanout)", async () => {
    const socket = await connect(GENERAL_CHAT_ID, await registerUser());
    expect(await closeWithoutCode(socket)).toEqual({ code: 1005, reason: "" });
  });

  it("by the user's hub (UserHub)", async () => {
    const socket = await openHub(await registerUser());
    await socket.next("hello");
    expect(await closeWithoutCode(socket)).toEqual({ code: 1005, reason: "" });
  });

  it("by a call's signalling (CallSession)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller!, callee!);
    const socket = await openSignalling(caller!, call.id);
    expect(await closeWithoutCode(socket)).toEqual({ code: 1005, reason: "" });
  });

  it("by a group call (CallRoom)", async () => {
    const { users, chat } = await family(2);
    const call = await startGroupCall(users[0]!, chat.id);
    const socket = await joinGroupCall(users[0]!, call.id);
    expect(await closeWithoutCode(socket)).toEqual({ code: 1005, reason: "" });
  });

  it("and a Close with a code is answered with the same code, as before", async () => {
    const { users, chat } = await usersAndGroup(1);
    const socket = await connect(chat.id, users[0]!);
    socket.ws.close(4321, "bye");
    expect(await socket.waitClosed(3000)).toEqual({ code: 4321, reason: "bye" });
  });
});
