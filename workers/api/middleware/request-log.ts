import { createMiddleware } from "hono/factory";
import { maskEmails, redactQuery } from "../../../shared/http/redact";
import { logEvent } from "../../../shared/observability/log";
import type { AppEnv } from "../context";

/** One structured JSON line per request; secrets redacted, e-mails masked. Off with LOG_REQUESTS=false. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  if (!c.get("deps").config.http.logRequests) return;
  const url = new URL(c.req.url);
  logEvent(c.res.status >= 500 ? "error" : "info", "request", {
    method: c.req.method,
    path: maskEmails(url.pathname),
    query: redactQuery(url),
    status: c.res.status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    requestId: c.get("requestId"),
    userId: c.get("userId") ?? null,
  });
});
