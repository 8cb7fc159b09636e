import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { acceptSocket, api, expectProblem, json, registerUser, upgrade } from "../helpers";
import { auditDetails } from "../kit/audit";
import { openGroup } from "../chat/fixtures";
import { placeCall } from "./fixtures";

const report = { candidateType: "relay", rttMs: 42, packetLoss: 0.01, setupMs: 850 } as const;

async function relayReports(kind: string): Promise<number> {
  const families = parsePrometheusTextFormat(await (await api("/metrics", { token: "test-metrics-token" })).text());
  const series = families
    .find((f) => f.name === "call_quality_reports_total")
    ?.metrics.find((m) => JSON.stringify(m.labels) === JSON.stringify({ candidate_type: "relay", kind }));
  return series ? Number(series.value) : 0;
}

describe("POST /v1/calls/:id/report", () => {
  it("needs a token (401), a participant (404) and a well-formed report (400)", async () => {
    const [caller, callee, outsider] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const call = await placeCall(caller, callee);
    await expectProblem(await api(`/v1/calls/${call.id}/report`, { body: report }), 401);
    await expectProblem(await api(`/v1/calls/${call.id}/report`, { token: outsider.accessToken, body: report }), 404);
    await expectProblem(await api("/v1/calls/no-such-call/report", { token: caller.accessToken, body: report }), 404);
    for (const bad of [
      { ...report, candidateType: "pigeon" },
      { ...report, packetLoss: 2 },
      { ...report, rttMs: -1 },
      { candidateType: "host" },
      { ...report, extra: 1 },
    ]) {
      await expectProblem(await api(`/v1/calls/${call.id}/report`, { token: caller.accessToken, body: bad }), 400);
    }
  });

  it("keeps a participant's report once and counts it in /metrics once", async () => {
    const [caller, callee] = await Promise.all([registerUser(), registerUser()]);
    const call = await placeCall(caller, callee);
    const before = await relayReports("direct");
    const first = await api(`/v1/calls/${call.id}/report`, { token: callee.accessToken, body: report });
    expect(first.status).toBe(202);
    expect(await json(first)).toEqual({ recorded: true });
    expect(await json(await api(`/v1/calls/${call.id}/report`, { token: callee.accessToken, body: report }))).toEqual({ recorded: false });
    expect(await auditDetails(callee.id, "call.quality")).toEqual([{ callId: call.id, kind: "direct", ...report }]);
    await expect.poll(() => relayReports("direct"), { timeout: 5_000 }).toBe(before + 1);
  });

  it("takes reports of a group call from those who took part in it", async () => {
    const [a, b, c] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const chat = await openGroup(a, [b, c]);
    const call = await json(await api("/v1/calls", { token: a.accessToken, body: { chatId: chat.id, type: "voice" } }));
    // Nobody joined yet: nobody took part.
    await expectProblem(await api(`/v1/calls/${call.id}/report`, { token: a.accessToken, body: report }), 404);
    const socket = acceptSocket(await upgrade(`/v1/group-calls/${call.id}/ws`, { authorization: `Bearer ${a.accessToken}` }));
    await socket.next("room.state");
    socket.send({ type: "leave" });
    await socket.waitClosed();
    const accepted = await api(`/v1/calls/${call.id}/report`, { token: a.accessToken, body: { ...report, candidateType: "host" } });
    expect(accepted.status).toBe(202);
    await expectProblem(await api(`/v1/calls/${call.id}/report`, { token: b.accessToken, body: report }), 404);
  });
});
