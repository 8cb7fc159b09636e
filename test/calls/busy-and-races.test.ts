import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { callCommand, getCall, openHub, placeCall, twoUsers } from "./fixtures";

const dial = (from: { accessToken: string }, to: { id: string }) => api("/v1/calls", { token: from.accessToken, body: { calleeId: to.id, type: "voice" } });

async function d1Status(callId: string) {
  return (await env.DB.prepare("SELECT status FROM calls WHERE id = ?").bind(callId).first<{ status: string }>())?.status;
}

describe("busy", () => {
  it("a callee in a ringing call is busy: 409 busy, kept as a busy call in both histories", async () => {
    const [caller, callee] = await twoUsers();
    const other = await registerUser();
    await placeCall(caller, callee);
    const calleeHub = await openHub(callee);
    const problem = await expectProblem(await dial(other, callee), 409, "busy");
    expect(problem.call).toMatchObject({ status: "busy", callerId: other.id, calleeId: callee.id });
    expect(problem.call.endedAt).toBe(problem.call.createdAt);
    expect((await calleeHub.next("call.state")).call).toMatchObject({ id: problem.call.id, status: "busy" });
    const history = await json(await api("/v1/calls/history", { token: other.accessToken }));
    expect(history.items[0]).toMatchObject({ id: problem.call.id, status: "busy" });
    expect((await json(await api("/v1/calls/missed-count", { token: callee.accessToken }))).count).toBe(1);
  });

  it("a callee in an answered call is busy; once it ends they can be called again", async () => {
    const [caller, callee] = await twoUsers();
    const other = await registerUser();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "accept");
    await expectProblem(await dial(other, callee), 409, "busy");
    await callCommand(caller, call.id, "end");
    expect((await placeCall(other, callee)).status).toBe("ringing");
  });

  it("a caller already in a call cannot start another (409 already_in_call)", async () => {
    const [caller, callee] = await twoUsers();
    const third = await registerUser();
    await placeCall(caller, callee);
    await expectProblem(await dial(caller, third), 409, "already_in_call");
    expect((await json(await api("/v1/calls/history", { token: third.accessToken }))).items).toEqual([]);
  });
});

describe("races", () => {
  it("two callers dialling the same callee at once: exactly one rings, the other is busy", async () => {
    const callee = await registerUser();
    const callers = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const responses = await Promise.all(callers.map((caller) => dial(caller, callee)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const active = await json(await api("/v1/calls/active", { token: callee.accessToken }));
    expect(active.items).toHaveLength(1);
  });

  it("A calling B while B calls A: one call rings, the other attempt is busy", async () => {
    const [a, b] = await twoUsers();
    const [ab, ba] = await Promise.all([dial(a, b), dial(b, a)]);
    expect([ab.status, ba.status].sort()).toEqual([201, 409]);
    const loser = ab.status === 409 ? ab : ba;
    expect((await json(loser)).code).toBe("busy");
    expect((await json(await api("/v1/calls/active", { token: a.accessToken }))).items).toHaveLength(1);
    expect((await json(await api("/v1/calls/active", { token: b.accessToken }))).items).toHaveLength(1);
  });

  it("accept and hang-up arriving together end in one consistent state", async () => {
    for (let round = 0; round < 4; round++) {
      const [caller, callee] = await twoUsers();
      const call = await placeCall(caller, callee);
      const [accept, end] = await Promise.all([callCommand(callee, call.id, "accept"), callCommand(caller, call.id, "end")]);
      const final = await getCall(caller, call.id);
      expect(await d1Status(call.id)).toBe(final.status);
      if (accept.status === 200) {
        // accept landed first: the hang-up ended the answered call
        expect(final).toMatchObject({ status: "ended", endedBy: caller.id });
        expect(final.answeredAt).not.toBeNull();
      } else {
        // hang-up landed first: the caller gave up, the accept is refused with the call
        expect(accept.status).toBe(409);
        expect(final).toMatchObject({ status: "missed", endedBy: caller.id, answeredAt: null });
      }
      expect(end.status).toBe(200);
      expect((await json(end)).status).toBe(final.status);
      const stub = env.CALL_SESSION.getByName(call.id);
      expect((await stub.current())?.status).toBe(final.status);
    }
  });

  it("accept and reject from two devices of the callee at once: one wins, the other sees 409 or the same state", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const [accept, reject] = await Promise.all([callCommand(callee, call.id, "accept"), callCommand(callee, call.id, "reject")]);
    const final = await getCall(callee, call.id);
    expect([accept.status, reject.status].sort()).toEqual([200, 409]);
    expect(final.status).toBe(accept.status === 200 ? "answered" : "rejected");
  });

  it("repeating every command is idempotent: the record and the metrics are written once", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await Promise.all([callCommand(callee, call.id, "accept"), callCommand(callee, call.id, "accept")]);
    await Promise.all([callCommand(caller, call.id, "end"), callCommand(callee, call.id, "end"), callCommand(caller, call.id, "end")]);
    const { results } = await env.DB.prepare("SELECT type FROM audit_events WHERE detail LIKE ? ORDER BY type").bind(`%${call.id}%`).all<{ type: string }>();
    expect(results.map((r) => r.type)).toEqual(["call.answered", "call.ended"]);
  });
});
