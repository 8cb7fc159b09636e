import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { statusClass } from "../../../shared/observability/metric-catalog";
import { flushMetricsIfDue, metrics } from "../../../shared/observability/metrics";
import { continueTrace } from "../../../shared/observability/trace-context";
import { runInScope } from "../../../shared/observability/trace-scope";
import type { AppEnv } from "../context";

/** The route template that answered (`/v1/chats/:id`), never the raw path: a bounded label. */
function routeLabel(c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]): string {
  const path = routePath(c, c.req.routeIndex);
  return !path || path === "*" || path === "/*" ? "unmatched" : path;
}

/**
 * Continues the caller's W3C trace (or starts one) for everything the request does, and records
 * its count and latency by route template and status class. Metrics are flushed after the
 * response, at most every METRICS_FLUSH_SECONDS per isolate.
 */
export const observeRequest = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("deps").config.observability.enabled) return next();
  const started = performance.now();
  const trace = continueTrace(c.req.header("traceparent"), c.req.header("tracestate"));
  c.set("trace", trace);
  await runInScope({ trace, requestId: c.get("requestId") }, next);
  const labels = { method: c.req.method, route: routeLabel(c), status_class: statusClass(c.res.status) };
  metrics.count("http_requests_total", labels);
  metrics.observe("http_request_duration_seconds", labels, (performance.now() - started) / 1000);
  const flush = flushMetricsIfDue(c.get("deps"));
  if (flush) c.executionCtx.waitUntil(flush);
});
