import { describe, expect, it } from "vitest";
import { placeCall, twoUsers } from "../calls/fixtures";
import { usersAndGroup } from "../chat/fixtures";
import { type Frame, registerUser, upgrade } from "../helpers";

const hostile = { "x-partykit-props": "{bad", "x-partykit-room": "general", "x-partykit-namespace": "user-hub" };

/** Upgrades with hostile partyserver headers and returns the first frame the server sends. */
async function firstFrame(path: string, token: string): Promise<{ frame: Frame; raw: string }> {
  const response = await upgrade(path, { authorization: `Bearer ${token}`, ...hostile });
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  const first = new Promise<string>((resolve, reject) => {
    ws.addEventListener("message", (event) => resolve(String(event.data)));
    setTimeout(() => reject(new Error("no frame")), 3000);
  });
  ws.accept();
  const raw = await first;
  ws.close(1000, "done");
  return { frame: JSON.parse(raw), raw };
}

describe("finding 8: client x-partykit-* headers never reach partyserver", () => {
  it("a chat upgrade with a malformed x-partykit-props opens normally, with no stack trace", async () => {
    const { users, chat } = await usersAndGroup(1);
    const { frame, raw } = await firstFrame(`/v1/chats/${chat.id}/ws`, users[0]!.accessToken);
    expect(frame.type).toBe("hello");
    expect(raw).not.toMatch(/stack|SyntaxError|at \w+ \(/);
  });

  it("the hub upgrade too", async () => {
    const user = await registerUser();
    const { frame, raw } = await firstFrame("/v1/realtime", user.accessToken);
    expect(frame.type).toBe("hello");
    expect(raw).not.toMatch(/stack|SyntaxError/);
  });

  it("the call signalling upgrade too", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const { frame, raw } = await firstFrame(`/v1/calls/${call.id}/ws`, caller.accessToken);
    expect(frame.type).toBe("call.state");
    expect(raw).not.toMatch(/stack|SyntaxError/);
  });
});
