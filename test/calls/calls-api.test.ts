import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, collectPages, expectProblem, json, registerUser } from "../helpers";
import { callCommand, getCall, openHub, placeCall, twoUsers } from "./fixtures";

afterEach(() => clock.reset());

describe("POST /v1/calls", () => {
  it("refuses a request without a token", async () => {
    await expectProblem(await api("/v1/calls", { body: { calleeId: "x", type: "voice" } }), 401);
  });

  it("refuses a malformed body with field errors", async () => {
    const caller = await registerUser();
    const problem = await expectProblem(await api("/v1/calls", { token: caller.accessToken, body: { calleeId: "", type: "fax" } }), 400, "invalid_body");
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["calleeId", "type"]));
    await expectProblem(await api("/v1/calls", { token: caller.accessToken, body: "{nope", headers: { "content-type": "application/json" } }), 400);
  });

  it("refuses calling yourself", async () => {
    const caller = await registerUser();
    await expectProblem(await api("/v1/calls", { token: caller.accessToken, body: { calleeId: caller.id, type: "voice" } }), 400, "cannot_call_self");
  });

  it("answers 404 for a callee that does not exist", async () => {
    const caller = await registerUser();
    await expectProblem(await api("/v1/calls", { token: caller.accessToken, body: { calleeId: "no-such-user", type: "voice" } }), 404, "not_found");
  });

  it("creates a ringing call and rings every connected device of the callee", async () => {
    const [caller, callee] = await twoUsers();
    const phone = await openHub(callee);
    const laptop = await openHub(callee);
    const callerHub = await openHub(caller);
    const call = await placeCall(caller, callee, "video");
    expect(call).toMatchObject({
      callerId: caller.id,
      calleeId: callee.id,
      type: "video",
      status: "ringing",
      answeredAt: null,
      endedAt: null,
      durationSeconds: null,
      endedBy: null,
    });
    expect(new Date(call.createdAt).toISOString()).toBe(call.createdAt);
    for (const device of [phone, laptop]) expect((await device.next("call.incoming")).call).toEqual(call);
    expect((await callerHub.next("call.state")).call.status).toBe("ringing");
  });
});

describe("POST /v1/calls/:id/accept", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/calls/some-id/accept", { method: "POST" }), 401);
  });

  it("hides the call from an outsider (404)", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    await expectProblem(await callCommand(outsider, call.id, "accept"), 404, "not_found");
    expect((await getCall(caller, call.id)).status).toBe("ringing");
  });

  it("refuses the caller accepting their own call (403)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await expectProblem(await callCommand(caller, call.id, "accept"), 403, "not_callee");
  });

  it("refuses a malformed id (400)", async () => {
    const user = await registerUser();
    await expectProblem(await callCommand(user, "x".repeat(65), "accept"), 400, "invalid_path");
  });

  it("answers the call, tells every device of both users, and is idempotent", async () => {
    const [caller, callee] = await twoUsers();
    const phone = await openHub(callee);
    const laptop = await openHub(callee);
    const callerHub = await openHub(caller);
    const call = await placeCall(caller, callee);
    const response = await callCommand(callee, call.id, "accept");
    expect(response.status).toBe(200);
    const answered = await json(response);
    expect(answered).toMatchObject({ id: call.id, status: "answered" });
    expect(answered.answeredAt).not.toBeNull();
    for (const hub of [phone, laptop, callerHub]) {
      const state = await hub.next("call.state");
      const frame = state.call.status === "answered" ? state : await hub.next("call.state");
      expect(frame.call.status).toBe("answered");
    }
    const again = await callCommand(callee, call.id, "accept");
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(answered);
  });

  it("refuses accepting a call that is over (409 with the call)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(caller, call.id, "end");
    const problem = await expectProblem(await callCommand(callee, call.id, "accept"), 409, "call_not_ringing");
    expect(problem.call.status).toBe("missed");
  });
});

describe("POST /v1/calls/:id/reject", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/calls/some-id/reject", { method: "POST" }), 401);
  });

  it("lets only the callee reject; outsiders get 404", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    await expectProblem(await callCommand(caller, call.id, "reject"), 403, "not_callee");
    await expectProblem(await callCommand(outsider, call.id, "reject"), 404);
  });

  it("rejects a ringing call, idempotently, and the caller hears of it", async () => {
    const [caller, callee] = await twoUsers();
    const callerHub = await openHub(caller);
    const call = await placeCall(caller, callee);
    await callerHub.next("call.state");
    const rejected = await json(await callCommand(callee, call.id, "reject"));
    expect(rejected).toMatchObject({ status: "rejected", endedBy: callee.id });
    expect(rejected.endedAt).not.toBeNull();
    expect((await callerHub.next("call.state")).call.status).toBe("rejected");
    expect(await json(await callCommand(callee, call.id, "reject"))).toEqual(rejected);
  });

  it("cannot reject an answered call (409)", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "accept");
    await expectProblem(await callCommand(callee, call.id, "reject"), 409, "call_not_ringing");
  });
});

describe("POST /v1/calls/:id/end", () => {
  it("needs a token and hides the call from outsiders", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    await expectProblem(await api(`/v1/calls/${call.id}/end`, { method: "POST" }), 401);
    await expectProblem(await callCommand(outsider, call.id, "end"), 404);
  });

  it("a caller hanging up before an answer makes the call missed", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const ended = await json(await callCommand(caller, call.id, "end"));
    expect(ended).toMatchObject({ status: "missed", endedBy: caller.id, answeredAt: null, durationSeconds: null });
  });

  it("either side ends an answered call; the duration counts from the answer", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const acceptedBy = Date.now();
    await callCommand(callee, call.id, "accept");
    clock.advance(42_000);
    const ended = await json(await callCommand(callee, call.id, "end"));
    // The clock is real time plus the test's offset: a loaded machine adds its own seconds.
    const realSeconds = Math.ceil((Date.now() - acceptedBy) / 1000);
    expect(ended).toMatchObject({ status: "ended", endedBy: callee.id });
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(42);
    expect(ended.durationSeconds).toBeLessThanOrEqual(42 + realSeconds);
    const again = await callCommand(caller, call.id, "end");
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(ended);
  });
});

describe("GET /v1/calls/:id", () => {
  it("shows the call to both participants only", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    expect(await getCall(caller, call.id)).toEqual(call);
    expect(await getCall(callee, call.id)).toEqual(call);
    await expectProblem(await api(`/v1/calls/${call.id}`, { token: outsider.accessToken }), 404, "not_found");
    await expectProblem(await api(`/v1/calls/${call.id}`), 401);
    await expectProblem(await api(`/v1/calls/${"x".repeat(80)}`, { token: caller.accessToken }), 400, "invalid_path");
  });
});

describe("DELETE /v1/calls/:id", () => {
  it("removes a finished call from the requester's history only", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(caller, call.id, "end");
    const response = await api(`/v1/calls/${call.id}`, { method: "DELETE", token: caller.accessToken });
    expect(response.status).toBe(204);
    await expectProblem(await api(`/v1/calls/${call.id}`, { token: caller.accessToken }), 404);
    const callerHistory = await json(await api("/v1/calls/history", { token: caller.accessToken }));
    expect(callerHistory.items.map((c: { id: string }) => c.id)).not.toContain(call.id);
    const calleeHistory = await json(await api("/v1/calls/history", { token: callee.accessToken }));
    expect(calleeHistory.items.map((c: { id: string }) => c.id)).toContain(call.id);
    expect((await getCall(callee, call.id)).id).toBe(call.id);
  });

  it("refuses outsiders (404), no token (401) and active calls (409)", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    await expectProblem(await api(`/v1/calls/${call.id}`, { method: "DELETE" }), 401);
    await expectProblem(await api(`/v1/calls/${call.id}`, { method: "DELETE", token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/calls/${call.id}`, { method: "DELETE", token: caller.accessToken }), 409, "call_active");
  });
});

describe("GET /v1/calls/history", () => {
  it("pages through the user's calls newest first with a cursor", async () => {
    const [me, friend] = await twoUsers();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const call = await placeCall(i % 2 ? friend : me, i % 2 ? me : friend);
      await callCommand(me, call.id, "end");
      ids.push(call.id);
    }
    const seen = (await collectPages<{ id: string }>("/v1/calls/history", { token: me.accessToken, limit: 2 })).flat().map((c) => c.id);
    expect(seen).toEqual([...ids].reverse());
  });

  it("rejects a bad cursor or limit and needs a token", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/calls/history?cursor=garbage", { token: user.accessToken }), 400, "invalid_cursor");
    await expectProblem(await api("/v1/calls/history?limit=1.5", { token: user.accessToken }), 400, "invalid_query");
    expect((await api("/v1/calls/history?limit=1000", { token: user.accessToken })).status).toBe(200);
    await expectProblem(await api("/v1/calls/history"), 401);
  });

  it("never lists other people's calls", async () => {
    const [a, b] = await twoUsers();
    const outsider = await registerUser();
    await placeCall(a, b);
    expect((await json(await api("/v1/calls/history", { token: outsider.accessToken }))).items).toEqual([]);
  });
});

describe("GET /v1/calls/active", () => {
  it("lists ringing and answered calls of the user and drops them once over", async () => {
    const [caller, callee] = await twoUsers();
    const outsider = await registerUser();
    const call = await placeCall(caller, callee);
    expect((await json(await api("/v1/calls/active", { token: callee.accessToken }))).items.map((c: { id: string }) => c.id)).toEqual([call.id]);
    await callCommand(callee, call.id, "accept");
    expect((await json(await api("/v1/calls/active", { token: caller.accessToken }))).items[0].status).toBe("answered");
    expect((await json(await api("/v1/calls/active", { token: outsider.accessToken }))).items).toEqual([]);
    await callCommand(caller, call.id, "end");
    expect((await json(await api("/v1/calls/active", { token: caller.accessToken }))).items).toEqual([]);
    await expectProblem(await api("/v1/calls/active"), 401);
  });
});

describe("GET /v1/calls/missed-count", () => {
  it("counts unanswered calls to the user, optionally since an instant", async () => {
    const [me, friend] = await twoUsers();
    const first = await placeCall(friend, me);
    await callCommand(friend, first.id, "end");
    const answered = await placeCall(friend, me);
    await callCommand(me, answered.id, "accept");
    await callCommand(me, answered.id, "end");
    const rejected = await placeCall(friend, me);
    await callCommand(me, rejected.id, "reject");
    const outgoing = await placeCall(me, friend);
    await callCommand(me, outgoing.id, "end");
    expect(await json(await api("/v1/calls/missed-count", { token: me.accessToken }))).toEqual({ count: 1, since: null });

    clock.advance(1000);
    const since = clock.date().toISOString();
    clock.advance(1000);
    const second = await placeCall(friend, me);
    await callCommand(friend, second.id, "end");
    expect((await json(await api(`/v1/calls/missed-count?since=${since}`, { token: me.accessToken }))).count).toBe(1);
    expect((await json(await api("/v1/calls/missed-count", { token: me.accessToken }))).count).toBe(2);

    await api(`/v1/calls/${second.id}`, { method: "DELETE", token: me.accessToken });
    expect((await json(await api("/v1/calls/missed-count", { token: me.accessToken }))).count).toBe(1);
  });

  it("refuses a malformed since and needs a token", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/calls/missed-count?since=yesterday", { token: user.accessToken }), 400, "invalid_query");
    await expectProblem(await api("/v1/calls/missed-count"), 401);
  });
});

describe("call metrics", () => {
  it("records setup time when answered and the outcome when ended", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    clock.advance(3_000);
    await callCommand(callee, call.id, "accept");
    clock.advance(10_000);
    await callCommand(caller, call.id, "end");
    const { results } = await env.DB.prepare("SELECT type, user_id, detail FROM audit_events WHERE type LIKE 'call.%' AND detail LIKE ? ORDER BY type")
      .bind(`%${call.id}%`)
      .all<{ type: string; user_id: string; detail: string }>();
    expect(results.map((r) => r.type)).toEqual(["call.answered", "call.ended"]);
    const answered = JSON.parse(results[0]!.detail);
    const ended = JSON.parse(results[1]!.detail);
    expect(answered.callId).toBe(call.id);
    expect(answered.setupMs).toBeGreaterThanOrEqual(3000);
    expect(answered.setupMs).toBeLessThan(8000);
    expect(results[0]!.user_id).toBe(callee.id);
    expect(ended).toMatchObject({ callId: call.id, outcome: "ended", durationSeconds: 10, setupMs: answered.setupMs, endedBy: caller.id });
  });

  it("records a missed outcome without a setup time", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(caller, call.id, "end");
    const row = await env.DB.prepare("SELECT detail FROM audit_events WHERE type = 'call.ended' AND detail LIKE ?")
      .bind(`%${call.id}%`)
      .first<{ detail: string }>();
    expect(JSON.parse(row!.detail)).toMatchObject({ outcome: "missed", setupMs: null });
  });
});

describe("OpenAPI", () => {
  it("documents every calls endpoint", async () => {
    const doc = await json(await api("/openapi.json"));
    for (const path of [
      "/v1/calls",
      "/v1/calls/ice-servers",
      "/v1/calls/history",
      "/v1/calls/active",
      "/v1/calls/missed-count",
      "/v1/calls/{id}",
      "/v1/calls/{id}/accept",
      "/v1/calls/{id}/reject",
      "/v1/calls/{id}/end",
      "/v1/calls/{id}/ws",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });
});
