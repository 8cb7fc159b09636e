import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { ABANDONED_CALL_GRACE_MS } from "../../shared/calls/call";
import { CallDeadlines } from "../../shared/calls/call-deadlines";
import { findCall, insertCallRecord, type NewCall } from "../../shared/calls/records";
import { configOf, type EnvVars } from "../../shared/config";
import { clock } from "../../shared/clock";
import { testDeps } from "../kit/deps";
import { callCommand, getCall, openHub, openSignalling, placeCall, twoUsers } from "./fixtures";

afterEach(() => clock.reset());

/** How long a call rings under `vars` (CALL_RING_TIMEOUT_SECONDS). */
const ringTimeoutSeconds = (vars: EnvVars) => configOf(vars).calls.ringTimeoutSeconds;

describe("ring timeout", () => {
  it("reads CALL_RING_TIMEOUT_SECONDS, 45 by default, and falls back on nonsense", () => {
    expect(ringTimeoutSeconds(env)).toBe(Number(env.CALL_RING_TIMEOUT_SECONDS));
    expect(ringTimeoutSeconds({ CALL_RING_TIMEOUT_SECONDS: "3" })).toBe(3);
    expect(ringTimeoutSeconds({ CALL_RING_TIMEOUT_SECONDS: "soon" })).toBe(45);
    expect(ringTimeoutSeconds({ CALL_RING_TIMEOUT_SECONDS: "-1" })).toBe(45);
  });

  it("schedules the alarm at created + timeout", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const alarm = await runInDurableObject(env.CALL_SESSION.getByName(call.id), (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBe(Date.parse(call.createdAt) + ringTimeoutSeconds(env) * 1000);
  });

  it("a call still ringing at the deadline becomes missed and both users hear of it", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    const calleeHub = await openHub(callee);
    const stub = env.CALL_SESSION.getByName(call.id);

    clock.advance(ringTimeoutSeconds(env) * 1000 - 1000);
    await runDurableObjectAlarm(stub);
    expect((await getCall(caller, call.id)).status).toBe("ringing");

    clock.advance(1000);
    await runDurableObjectAlarm(stub);
    const missed = await getCall(caller, call.id);
    expect(missed).toMatchObject({ status: "missed", endedBy: null, answeredAt: null });
    expect((await calleeHub.next("call.state")).call.status).toBe("missed");
    const problem = await callCommand(callee, call.id, "accept");
    expect(problem.status).toBe(409);
  });

  it("an answered call is not touched by the ring deadline", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "accept");
    const signalling = await openSignalling(caller, call.id);
    await signalling.next("call.state");
    clock.advance(ringTimeoutSeconds(env) * 1000 + ABANDONED_CALL_GRACE_MS);
    await runDurableObjectAlarm(env.CALL_SESSION.getByName(call.id));
    expect((await getCall(caller, call.id)).status).toBe("answered");
    signalling.close();
  });

  it("an answered call nobody is connected to is ended after the grace period", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "accept");
    clock.advance(ABANDONED_CALL_GRACE_MS + 1000);
    await runDurableObjectAlarm(env.CALL_SESSION.getByName(call.id));
    expect(await getCall(callee, call.id)).toMatchObject({ status: "ended", endedBy: null });
    const active = await env.DB.prepare("SELECT COUNT(*) AS n FROM calls WHERE id = ? AND status IN ('ringing','answered')")
      .bind(call.id)
      .first<{ n: number }>();
    expect(active?.n).toBe(0);
  });

  it("a finished call has no alarm left", async () => {
    const [caller, callee] = await twoUsers();
    const call = await placeCall(caller, callee);
    await callCommand(callee, call.id, "reject");
    const alarm = await runInDurableObject(env.CALL_SESSION.getByName(call.id), (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeNull();
  });

  it("a call its object stopped recording (after the D1 insert) is ended as missed at the ring deadline", async () => {
    const [caller, callee] = await twoUsers();
    const deps = testDeps();
    const starting: NewCall = { id: `crashed-${crypto.randomUUID()}`, callerId: caller.id, calleeId: callee.id, type: "voice", createdAt: clock.now() };
    const stub = env.CALL_SESSION.getByName(starting.id);
    // What CallSession.start leaves when the object stops right after the D1 insert.
    await runInDurableObject(stub, async (_session, state) => {
      await state.storage.put("starting", starting);
      await new CallDeadlines(state.storage, clock).schedule("ring", starting.createdAt + ringTimeoutSeconds(env) * 1000);
    });
    expect(await insertCallRecord(deps.db, starting)).toBe("ringing");

    clock.advance(ringTimeoutSeconds(env) * 1000);
    await runDurableObjectAlarm(stub);
    expect(await findCall(deps.db, starting.id)).toMatchObject({ status: "missed" });
    const left = await runInDurableObject(stub, async (_session, state) => [await state.storage.get("starting"), await state.storage.getAlarm()]);
    expect(left).toEqual([undefined, null]);
  });
});
