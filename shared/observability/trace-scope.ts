import { AsyncLocalStorage } from "node:async_hooks";
import { carrierOf, type TraceCarrier, type TraceContext } from "./trace-context";

/** What a unit of work (a request, a queue job, an object's call) runs under. */
export interface TraceScope {
  trace: TraceContext;
  /** The request id of the HTTP request, when there is one. */
  requestId?: string;
}

const storage = new AsyncLocalStorage<TraceScope>();

/** Runs `work` with `scope` as the current one for everything it awaits. */
export function runInScope<T>(scope: TraceScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentScope(): TraceScope | undefined {
  return storage.getStore();
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore()?.trace;
}

/** The carrier of the current span (to put into a message or a call), or undefined outside a trace. */
export function currentCarrier(): TraceCarrier | undefined {
  const trace = storage.getStore()?.trace;
  return trace ? carrierOf(trace) : undefined;
}

/** `headers` with the current span's traceparent/tracestate set (unchanged outside a trace). */
export function withTraceHeaders(headers: Headers): Headers {
  const carrier = currentCarrier();
  if (carrier) {
    headers.set("traceparent", carrier.traceparent);
    if (carrier.tracestate) headers.set("tracestate", carrier.tracestate);
    else headers.delete("tracestate");
  }
  return headers;
}

/** `fetch` that carries the current trace to the server it calls (for adapters of outside services). */
export const tracedFetch: typeof fetch = (input, init) => {
  if (!currentTrace()) return fetch(input, init);
  const request = new Request(input, init);
  const headers = withTraceHeaders(new Headers(request.headers));
  return fetch(new Request(request, { headers }));
};

/** `job` with the current trace attached, so the queue consumer continues it. */
export function withCurrentTrace<T extends object>(job: T): T & { trace?: TraceCarrier } {
  const carrier = currentCarrier();
  return carrier ? { ...job, trace: carrier } : job;
}
