import { describe, expect, it } from "vitest";
import { MAX_SDP_CHARS } from "../../shared/calls/signalling";
import { acceptSocket, api, expectProblem, json, registerUser, upgrade } from "../helpers";
import { callCommand, getCall, openHub, openSignalling, placeCall, SAMPLE_CANDIDATE, SAMPLE_SDP, twoUsers } from "./fixtures";

describe("GET /v1/calls/:id/ws access", () => {
  it("needs credentials before the socket opens (401)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await expectProblem(await upgrade(`/v1/calls/${call.id}/ws`), 401);
    await expectProblem(await upgrade(`/v1/calls/${call.id}/ws?ticket=forged`), 401, "invalid_ticket");
  });

  it("refuses an outsider (404) and a non-upgrade request (426)", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    await expectProblem(await upgrade(`/v1/calls/${call.id}/ws`, { authorization: `Bearer ${outsider.accessToken}` }), 404);
    await expectProblem(await api(`/v1/calls/${call.id}/ws`, { token: caller.accessToken }), 426, "upgrade_required");
    await expectProblem(await upgrade(`/v1/calls/${"x".repeat(80)}/ws`, { authorization: `Bearer ${caller.accessToken}` }), 400, "invalid_path");
  });

  it("accepts a participant with a single-use ticket", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const { ticket } = await json(await api("/v1/realtime/tickets", { method: "POST", token: callee.accessToken }));
    const response = await upgrade(`/v1/calls/${call.id}/ws?ticket=${ticket}`);
    expect(response.status).toBe(101);
    acceptSocket(response).close();
    await expectProblem(await upgrade(`/v1/calls/${call.id}/ws?ticket=${ticket}`), 401);
  });

  it("refuses joining a call that is over (409)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "reject");
    await expectProblem(await upgrade(`/v1/calls/${call.id}/ws`, { authorization: `Bearer ${caller.accessToken}` }), 409, "call_over");
  });
});

describe("signalling relay", () => {
  it("sends the current call.state on connect and relays offer, answer and candidates with from", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const a = await openSignalling(caller, call.id);
    const b = await openSignalling(callee, call.id);
    expect((await a.next("call.state")).call).toMatchObject({ id: call.id, status: "ringing" });
    await b.next("call.state");

    a.send({ type: "sdp.offer", sdp: SAMPLE_SDP });
    expect(await b.next("sdp.offer")).toEqual({ type: "sdp.offer", sdp: SAMPLE_SDP, from: caller.id });
    b.send({ type: "ice.candidate", candidate: SAMPLE_CANDIDATE });
    expect(await a.next("ice.candidate")).toEqual({ type: "ice.candidate", candidate: SAMPLE_CANDIDATE, from: callee.id });
    await callCommand(callee, call.id, "accept");
    expect((await a.next("call.state")).call.status).toBe("answered");
    expect((await b.next("call.state")).call.status).toBe("answered");
    b.send({ type: "sdp.answer", sdp: SAMPLE_SDP });
    expect(await a.next("sdp.answer")).toMatchObject({ type: "sdp.answer", from: callee.id });
    a.send({ type: "ping" });
    await a.next("pong");
    a.close();
    b.close();
  });

  it("holds offer and early candidates for a participant not yet connected and delivers them in order", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const a = await openSignalling(caller, call.id);
    await a.next("call.state");
    a.send({ type: "sdp.offer", sdp: SAMPLE_SDP });
    const candidates = [1, 2, 3].map((n) => ({ ...SAMPLE_CANDIDATE, candidate: SAMPLE_CANDIDATE.candidate.replace("46154", String(46150 + n)) }));
    for (const candidate of candidates) a.send({ type: "ice.candidate", candidate });
    a.send({ type: "ping" });
    await a.next("pong");

    const b = await openSignalling(callee, call.id);
    await b.next("call.state");
    expect(await b.next("sdp.offer")).toMatchObject({ sdp: SAMPLE_SDP, from: caller.id });
    for (const candidate of candidates) expect((await b.next("ice.candidate")).candidate).toEqual(candidate);
    expect(b.frames.map((f) => f.type)).toEqual(["call.state", "sdp.offer", "ice.candidate", "ice.candidate", "ice.candidate"]);

    // delivered once: a reconnecting device does not get them again
    b.close();
    await b.waitClosed();
    const again = await openSignalling(callee, call.id);
    await again.next("call.state");
    again.send({ type: "ping" });
    await again.next("pong");
    expect(again.frames.map((f) => f.type)).toEqual(["call.state", "pong"]);
    a.close();
    again.close();
  });

  it("a participant's second device replaces the first socket (last writer wins)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const first = await openSignalling(callee, call.id);
    await first.next("call.state");
    const second = await openSignalling(callee, call.id);
    await second.next("call.state");
    expect((await first.waitClosed()).code).toBe(4000);
    const a = await openSignalling(caller, call.id);
    a.send({ type: "sdp.offer", sdp: SAMPLE_SDP });
    await second.next("sdp.offer");
    expect(first.frames.filter((f) => f.type === "sdp.offer")).toEqual([]);
    a.close();
    second.close();
  });

  it("hangup over the socket ends the call, pushes call.state to both and closes the sockets", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "accept");
    const calleeHub = await openHub(callee);
    const a = await openSignalling(caller, call.id);
    const b = await openSignalling(callee, call.id);
    await a.next("call.state");
    await b.next("call.state");
    b.send({ type: "hangup" });
    expect((await a.next("call.state")).call).toMatchObject({ status: "ended", endedBy: callee.id });
    expect((await b.next("call.state")).call.status).toBe("ended");
    expect((await calleeHub.next("call.state")).call.status).toBe("ended");
    expect((await a.waitClosed()).code).toBe(4410);
    expect((await getCall(caller, call.id)).status).toBe("ended");
  });
});

describe("signalling frame validation", () => {
  async function connected() {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const a = await openSignalling(caller, call.id);
    await a.next("call.state");
    const b = await openSignalling(callee, call.id);
    await b.next("call.state");
    return { a, b };
  }

  it("refuses an SDP over the size cap", async () => {
    const { a, b } = await connected();
    a.send({ type: "sdp.offer", sdp: SAMPLE_SDP + "a=x\r\n".repeat(MAX_SDP_CHARS / 5) });
    expect(await a.next("error")).toMatchObject({ code: "invalid_frame" });
    expect(a.frames.at(-1)!.detail).toContain("sdp");
    a.send({ type: "ping" });
    await a.next("pong");
    expect(b.frames.map((f) => f.type)).toEqual(["call.state"]);
  });

  it("refuses something that is not an SDP, and frames over the socket limit", async () => {
    const { a } = await connected();
    a.send({ type: "sdp.answer", sdp: "hello" });
    expect((await a.next("error")).code).toBe("invalid_frame");
    a.send({ type: "sdp.offer", sdp: `v=0\r\n${"x".repeat(70 * 1024)}` });
    expect((await a.next("error")).code).toBe("frame_too_large");
  });

  it("refuses candidates of the wrong shape", async () => {
    const { a, b } = await connected();
    const bad = [
      { candidate: "not a candidate", sdpMid: "0" },
      { candidate: SAMPLE_CANDIDATE.candidate },
      { ...SAMPLE_CANDIDATE, sdpMLineIndex: -1 },
      { ...SAMPLE_CANDIDATE, extra: true },
      "candidate:1 1 udp 1 1.2.3.4 5 typ host",
    ];
    for (const candidate of bad) {
      a.send({ type: "ice.candidate", candidate });
      expect((await a.next("error")).code).toBe("invalid_frame");
    }
    a.send({ type: "ice.candidate", candidate: { candidate: "", sdpMid: "0", sdpMLineIndex: 0 } });
    expect((await b.next("ice.candidate")).candidate.candidate).toBe("");
  });

  it("answers malformed JSON, unknown types and binary frames with error frames", async () => {
    const { a } = await connected();
    a.send("{nope");
    expect((await a.next("error")).code).toBe("malformed_frame");
    a.send({ type: "call.teleport" });
    expect((await a.next("error")).code).toBe("unknown_frame_type");
    a.ws.send(new Uint8Array([1, 2, 3]));
    expect((await a.next("error")).code).toBe("binary_not_supported");
    a.send({ type: "sdp.offer", sdp: SAMPLE_SDP, from: "someone-else" });
    expect((await a.next("error")).code).toBe("invalid_frame");
  });
});
