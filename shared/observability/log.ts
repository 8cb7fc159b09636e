import { redactForLog } from "../http/redact";
import { currentScope } from "./trace-scope";

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * One structured JSON line, with the trace and span (and request id) of the work it belongs to,
 * so a line of a queue job or a Durable Object can be joined to the request that caused it.
 * The message and fields are redacted here, whatever path logs them (`redactForLog`: secrets by
 * key and in text; e-mail addresses masked on debug and info lines, hidden on warn and error).
 */
export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const scope = currentScope();
  const line = JSON.stringify({
    level,
    msg: redactForLog(level, msg),
    ...(redactForLog(level, fields) as Record<string, unknown>),
    ...(scope?.requestId && fields.requestId === undefined ? { requestId: scope.requestId } : {}),
    ...(scope ? { traceId: scope.trace.traceId, spanId: scope.trace.spanId } : {}),
  });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
