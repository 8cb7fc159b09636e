import { fromCarrier, type TraceCarrier } from "./trace-context";
import { currentCarrier, currentScope, runInScope } from "./trace-scope";

/** A Durable Object whose RPC methods can run inside the caller's trace (see `traced`). */
export interface TracedObject {
  traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown>;
}

// Properties of a stub that are not RPC methods of the object (or must stay as they are).
const PASS_THROUGH = new Set(["fetch", "connect", "id", "name", "then", "dup", "toJSON"]);

/**
 * `stub` whose method calls carry the current trace: `traced(stub).notify(frame)` reaches the
 * object as `traced(carrier, "notify", [frame])`, and the object runs `notify(frame)` in a child
 * span. Outside a trace the stub itself is returned, so nothing is added.
 */
export function traced<S extends object>(stub: S): S {
  const carrier = currentCarrier();
  if (!carrier) return stub;
  return new Proxy(stub, {
    get(target, property) {
      if (typeof property !== "string" || PASS_THROUGH.has(property)) {
        // Native stub methods (fetch) must run with the stub itself as `this`.
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (...args: unknown[]) => (target as unknown as TracedObject).traced(carrier, property, args);
    },
  });
}

/**
 * The object's side of `traced`: calls its own public method `method` in a child span of the
 * caller's. Only methods of the object's class (not Object's, not `#private` ones, not the
 * handler entry points) may be named.
 */
export async function runTracedMethod(object: object, carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
  if (!isCallableMethod(object, method)) throw new Error(`${object.constructor.name} has no RPC method ${method}`);
  const fn = (object as Record<string, (...a: unknown[]) => unknown>)[method]!;
  return runInScope({ trace: fromCarrier(carrier) }, () => fn.apply(object, args));
}

const NOT_RPC = new Set([
  "constructor",
  "traced",
  "fetch",
  "alarm",
  "webSocketMessage",
  "webSocketClose",
  "webSocketError",
  "onStart",
  "onConnect",
  "onMessage",
  "onClose",
  "onError",
  "onRequest",
  "onAlarm",
]);

function isCallableMethod(object: object, method: string): boolean {
  if (NOT_RPC.has(method) || method.startsWith("_")) return false;
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, method);
    if (descriptor) return typeof descriptor.value === "function";
  }
  return false;
}

/** Runs an object's incoming request (an upgrade) in the trace its headers carry. */
export function inRequestTrace<T>(request: Request, work: () => T): T {
  if (currentScope()) return work();
  const traceparent = request.headers.get("traceparent");
  if (!traceparent) return work();
  return runInScope({ trace: fromCarrier({ traceparent, tracestate: request.headers.get("tracestate") ?? undefined }) }, work);
}
