import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { forbidden } from "../../../shared/http/errors";
import { bearerSecurity, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { authenticate, bearerToken } from "../../../shared/identity/sessions/principal";
import { readMetrics } from "../../../shared/observability/metrics";
import { summarize } from "../../../shared/observability/metrics-window";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../../shared/observability/prometheus";
import { type AppEnv, createRouter } from "../context";
import { adminRoute } from "../middleware/auth";

const tags = ["platform"];

/** Compares secrets in constant time (hashes first, so the lengths match). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(given)), crypto.subtle.digest("SHA-256", encoder.encode(expected))]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** A scraper's METRICS_TOKEN, or an admin's access token (401 without a valid one, 403 for others). */
const requireMetricsReader = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.raw);
  const metricsToken = c.get("deps").config.observability.metricsToken;
  if (token && metricsToken && (await sameSecret(token, metricsToken))) return next();
  const { principal } = await authenticate(c.get("deps"), token);
  c.set("userId", principal.userId);
  if (principal.role !== "admin") throw forbidden("Reading metrics needs the metrics token or the role admin");
  await next();
});

const MinuteSchema = z.object({
  minute: z.string(),
  requests: z.number().int(),
  clientErrors: z.number().int(),
  serverErrors: z.number().int(),
  p50Seconds: z.number().nullable(),
  p95Seconds: z.number().nullable(),
});

const MetricsSummarySchema = z
  .object({
    windowMinutes: z.number().int(),
    perMinute: z.array(MinuteSchema),
    routes: z.array(MinuteSchema.omit({ minute: true }).extend({ method: z.string(), route: z.string() })),
    counters: z.record(z.string(), z.number()).openapi({ description: "Business and security counters over the last hour, by series `name{labels}`" }),
    gauges: z.record(z.string(), z.number()),
  })
  .openapi("MetricsSummary");

/** `GET /metrics`: the Prometheus text exposition of every series, totals across all shards. */
export const metricsRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/metrics",
    tags,
    summary: "Metrics in the Prometheus text format",
    description:
      "Counters and histograms since the metrics store began, summed over its shards. Bearer: the `METRICS_TOKEN` secret (scrapers) or an admin's access token. Series and their cardinality: docs/observability.md.",
    security: bearerSecurity,
    middleware: [requireMetricsReader] as const,
    responses: {
      200: { description: "Text exposition format 0.0.4", content: { "text/plain": { schema: z.string() } } },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => {
    const window = await readMetrics(c.get("deps"));
    c.header("cache-control", "no-store");
    return c.text(renderPrometheus(window.totals), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  },
);

/** `GET /v1/admin/metrics`: the last hour per minute and per route, for the admin UI. */
export const adminMetricsRoutes = createRouter().openapi(
  adminRoute({
    method: "get",
    path: "/metrics",
    tags: ["admin"],
    summary: "Metrics of the last hour (JSON)",
    description: "Requests, errors and latency per minute and per route template, and the business counters of the last hour.",
    responses: { 200: jsonResponse(MetricsSummarySchema, "The last hour"), ...problemResponses(401, 403) },
  }),
  async (c) => c.json(summarize(await readMetrics(c.get("deps")), Date.now()), 200),
);
