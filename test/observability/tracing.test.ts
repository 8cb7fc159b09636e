import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, expectProblem, json, registerUser, uniqueIp, upgrade } from "../helpers";

const TRACE_ID = () => crypto.randomUUID().replace(/-/g, "");
const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;

/** Every JSON log line written (console.log and console.error) while a test runs. */
function captureLogs() {
  const lines: Record<string, any>[] = [];
  const keep = (...args: unknown[]) => {
    if (typeof args[0] !== "string") return;
    try {
      lines.push(JSON.parse(args[0]));
    } catch {
      // not one of the platform's JSON lines
    }
  };
  vi.spyOn(console, "log").mockImplementation(keep);
  vi.spyOn(console, "error").mockImplementation(keep);
  return lines;
}

function eventually<T>(find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  return vi.waitFor(
    () => {
      const found = find();
      if (found === undefined) throw new Error("not seen in time");
      return found;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

describe("W3C trace context", () => {
  let logs: Record<string, any>[];
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("continues the request's traceparent in the request log line and in problem documents", async () => {
    const traceId = TRACE_ID();
    const problem = await expectProblem(await api("/v1/me", { headers: { traceparent: traceparent(traceId) } }), 401);
    expect(problem.traceId).toBe(traceId);
    const line = logs.find((l) => l.msg === "request" && l.requestId === problem.requestId);
    expect(line).toMatchObject({ traceId, path: "/v1/me", status: 401 });
    expect(line!.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(line!.spanId).not.toBe("00f067aa0ba902b7");
  });

  it("starts a trace when the request has none or an invalid one", async () => {
    for (const headers of [{}, { traceparent: "00-not-a-trace" }] as Record<string, string>[]) {
      const problem = await expectProblem(await api("/v1/me", { headers }), 401);
      expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(logs.find((l) => l.msg === "request" && l.requestId === problem.requestId)?.traceId).toBe(problem.traceId);
    }
  });

  it("reaches the queue jobs a request caused, through two hops (password.forgot, then email.send)", async () => {
    const user = await registerUser();
    const traceId = TRACE_ID();
    const response = await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp(), headers: { traceparent: traceparent(traceId) } });
    expect(response.status).toBe(202);
    const requestLine = logs.find((l) => l.msg === "request" && l.traceId === traceId)!;
    const forgot = await eventually(() => logs.find((l) => l.msg === "job done" && l.kind === "password.forgot" && l.traceId === traceId));
    const email = await eventually(() => logs.find((l) => l.msg === "job done" && l.kind === "email.send" && l.traceId === traceId));
    // Each hop is a span of its own in the same trace.
    expect(new Set([requestLine.spanId, forgot.spanId, email.spanId]).size).toBe(3);
  });

  it("reaches the Durable Objects a request called (CallSession over RPC) and upgraded (UserHub socket)", async () => {
    const [caller, callee] = [await registerUser(), await registerUser()];
    const socketTrace = TRACE_ID();
    const hubResponse = await upgrade("/v1/realtime", {
      authorization: `Bearer ${callee.accessToken}`,
      traceparent: traceparent(socketTrace),
    });
    expect(hubResponse.status).toBe(101);
    hubResponse.webSocket!.accept();
    await eventually(() => logs.find((l) => l.msg === "socket connected" && l.object === "UserHub" && l.traceId === socketTrace));

    const callTrace = TRACE_ID();
    const call = await json(
      await api("/v1/calls", { token: caller.accessToken, body: { calleeId: callee.id, type: "voice" }, headers: { traceparent: traceparent(callTrace) } }),
    );
    const ringing = await eventually(() => logs.find((l) => l.msg === "call ringing" && l.callId === call.id));
    expect(ringing.traceId).toBe(callTrace);
    const requestLine = logs.find((l) => l.msg === "request" && l.traceId === callTrace)!;
    expect(ringing.spanId).not.toBe(requestLine.spanId);
    hubResponse.webSocket!.close();
  });
});
