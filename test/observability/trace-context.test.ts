import { describe, expect, it } from "vitest";
import {
  carrierOf,
  childSpan,
  continueTrace,
  formatTraceparent,
  fromCarrier,
  parseTraceparent,
  parseTracestate,
} from "../../shared/observability/trace-context";
import { currentTrace, runInScope, withTraceHeaders } from "../../shared/observability/trace-scope";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it("reads a version 00 header with the sampled flag", () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-01`)).toEqual({ traceId: TRACE_ID, parentSpanId: PARENT_ID, sampled: true });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)?.sampled).toBe(false);
  });

  it("refuses malformed headers, all-zero ids, version ff and extra fields on version 00", () => {
    for (const header of [
      "",
      "garbage",
      `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`,
      `00-${TRACE_ID}-${PARENT_ID}-1`,
      `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`,
      `00-${"0".repeat(32)}-${PARENT_ID}-01`,
      `00-${TRACE_ID}-${"0".repeat(16)}-01`,
      `ff-${TRACE_ID}-${PARENT_ID}-01`,
      `00-${TRACE_ID}-${PARENT_ID}-01-extra`,
    ]) {
      expect(parseTraceparent(header), header).toBeNull();
    }
  });

  it("reads a future version by its first four fields", () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01-what-comes-later`)?.traceId).toBe(TRACE_ID);
  });
});

describe("parseTracestate", () => {
  it("keeps well-formed vendor state and drops a malformed one", () => {
    expect(parseTracestate("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")).toBe("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    expect(parseTracestate("tenant@vendor=abc")).toBe("tenant@vendor=abc");
    expect(parseTracestate("no equals sign")).toBeNull();
    expect(parseTracestate(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","))).toBeNull();
    expect(parseTracestate(null)).toBeNull();
  });
});

describe("continueTrace", () => {
  it("continues the caller's trace in a new span whose parent is the caller's span", () => {
    const trace = continueTrace(`00-${TRACE_ID}-${PARENT_ID}-01`, "rojo=1");
    expect(trace.traceId).toBe(TRACE_ID);
    expect(trace.parentSpanId).toBe(PARENT_ID);
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.spanId).not.toBe(PARENT_ID);
    expect(trace.tracestate).toBe("rojo=1");
  });

  it("starts a new sampled trace when the header is absent or invalid", () => {
    for (const header of [undefined, "nonsense"]) {
      const trace = continueTrace(header, "rojo=1");
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.parentSpanId).toBeNull();
      expect(trace.sampled).toBe(true);
      expect(trace.tracestate).toBeNull();
    }
    expect(continueTrace(undefined).traceId).not.toBe(continueTrace(undefined).traceId);
  });

  it("formats the span as the parent of the next hop, and a carrier round-trips", () => {
    const trace = continueTrace(`00-${TRACE_ID}-${PARENT_ID}-00`, "a=b");
    expect(formatTraceparent(trace)).toBe(`00-${TRACE_ID}-${trace.spanId}-00`);
    const next = fromCarrier(carrierOf(trace));
    expect(next).toMatchObject({ traceId: TRACE_ID, parentSpanId: trace.spanId, sampled: false, tracestate: "a=b" });
    const child = childSpan(trace);
    expect(child).toMatchObject({ traceId: TRACE_ID, parentSpanId: trace.spanId });
  });
});

describe("trace scope", () => {
  it("is the current trace for everything awaited inside, and nothing outside", async () => {
    const trace = continueTrace(undefined);
    expect(currentTrace()).toBeUndefined();
    const seen = await runInScope({ trace }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentTrace();
    });
    expect(seen).toBe(trace);
    expect(currentTrace()).toBeUndefined();
  });

  it("puts the current span into outgoing headers", () => {
    const trace = continueTrace(`00-${TRACE_ID}-${PARENT_ID}-01`, "rojo=1");
    const headers = runInScope({ trace }, () => withTraceHeaders(new Headers({ tracestate: "stale=1" })));
    expect(headers.get("traceparent")).toBe(`00-${TRACE_ID}-${trace.spanId}-01`);
    expect(headers.get("tracestate")).toBe("rojo=1");
    expect(withTraceHeaders(new Headers()).has("traceparent")).toBe(false);
  });
});
