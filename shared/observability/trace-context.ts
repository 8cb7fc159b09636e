import { bytesToHex } from "../ids";

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` and `tracestate`
 * headers, and the span this code runs in.
 */
export interface TraceContext {
  /** 32 lowercase hex digits, shared by every span of one trace. */
  traceId: string;
  /** 16 lowercase hex digits: the span this code runs in. */
  spanId: string;
  /** The caller's span, when the trace came from outside. */
  parentSpanId: string | null;
  /** The caller's sampling decision (flag 01); new traces are sampled. */
  sampled: boolean;
  /** Vendor state, passed on unchanged. */
  tracestate: string | null;
}

export interface ParsedTraceparent {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);
const TRACESTATE_MEMBER =
  /^(?:[a-z0-9][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const MAX_TRACESTATE_MEMBERS = 32;
const MAX_TRACESTATE_LENGTH = 512;

/**
 * A valid `traceparent`, or null. Version ff and all-zero ids are invalid; a future version is
 * read by its first four fields as the specification asks, version 00 must have exactly four.
 */
export function parseTraceparent(header: string | null | undefined): ParsedTraceparent | null {
  if (!header) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, parentSpanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === "ff") return null;
  if (version === "00" && rest !== undefined) return null;
  if (traceId === ZERO_TRACE_ID || parentSpanId === ZERO_SPAN_ID) return null;
  return { traceId, parentSpanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** `tracestate` when it is well formed (kept verbatim, trimmed), otherwise null: a bad one is dropped, not repaired. */
export function parseTracestate(header: string | null | undefined): string | null {
  if (!header) return null;
  const members = header
    .split(",")
    .map((member) => member.trim())
    .filter(Boolean);
  if (members.length === 0 || members.length > MAX_TRACESTATE_MEMBERS) return null;
  if (!members.every((member) => TRACESTATE_MEMBER.test(member))) return null;
  const value = members.join(",");
  return value.length <= MAX_TRACESTATE_LENGTH ? value : null;
}

/** The `traceparent` that names `context`'s span as the parent of the next hop. */
export function formatTraceparent(context: Pick<TraceContext, "traceId" | "spanId" | "sampled">): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`;
}

function randomHex(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

export const newTraceId = (): string => {
  const id = randomHex(16);
  return id === ZERO_TRACE_ID ? newTraceId() : id;
};

export const newSpanId = (): string => {
  const id = randomHex(8);
  return id === ZERO_SPAN_ID ? newSpanId() : id;
};

/** A span of the trace named by the incoming headers, or the root span of a new trace when they are absent or invalid. */
export function continueTrace(traceparent: string | null | undefined, tracestate?: string | null): TraceContext {
  const parent = parseTraceparent(traceparent);
  if (!parent) return { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: null, sampled: true, tracestate: null };
  return { traceId: parent.traceId, spanId: newSpanId(), parentSpanId: parent.parentSpanId, sampled: parent.sampled, tracestate: parseTracestate(tracestate) };
}

/** A child span of `context` in the same process (a queue job, an object's method). */
export function childSpan(context: TraceContext): TraceContext {
  return { ...context, spanId: newSpanId(), parentSpanId: context.spanId };
}

/** What travels with a message or a call to carry the trace across a hop. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

export function carrierOf(context: TraceContext): TraceCarrier {
  const carrier: TraceCarrier = { traceparent: formatTraceparent(context) };
  if (context.tracestate) carrier.tracestate = context.tracestate;
  return carrier;
}

export function fromCarrier(carrier: Partial<TraceCarrier> | null | undefined): TraceContext {
  return continueTrace(carrier?.traceparent, carrier?.tracestate);
}
