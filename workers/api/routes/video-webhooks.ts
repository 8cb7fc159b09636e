import { createRoute, z } from "@hono/zod-openapi";
import { clock } from "../../../shared/clock";
import { configOf } from "../../../shared/config";
import { ApiError, badRequest, unauthorized } from "../../../shared/http/errors";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { logEvent } from "../../../shared/observability/log";
import { receiveStreamWebhook, type StreamWebhookBody } from "../../../shared/video/processing";
import { verifyWebhookSignature } from "../../../shared/video/webhook-signature";
import { createRouter } from "../context";

const Received = z.object({ videoId: z.string().nullable(), status: z.string().nullable() }).openapi("StreamWebhookResult");

/** Mounted at /v1/webhooks. */
export const videoWebhookRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/stream",
    tags: ["video"],
    summary: "Stream's processing webhook",
    description:
      "Stream's video object as JSON, signed with `Webhook-Signature: time=<unix seconds>,sig1=<hex HMAC-SHA256 of time.body>` and VIDEO_WEBHOOK_SECRET. A missing, wrong or stale (older than VIDEO_WEBHOOK_TOLERANCE_SECONDS) signature is `401`. Ready moves the video to `moderation`, an error to `failed` with Stream's reason; repeated deliveries change nothing.",
    security: [{ streamWebhookSignature: [] }],
    responses: { 200: jsonResponse(Received, "Received"), ...problemResponses(400, 401, 503) },
  }),
  async (c) => {
    const config = configOf(c.env).video;
    if (!config.webhookSecret) throw new ApiError(503, "webhook_not_configured", "VIDEO_WEBHOOK_SECRET is not set");
    const raw = await c.req.text();
    const check = await verifyWebhookSignature(
      c.req.header("webhook-signature"),
      raw,
      config.webhookSecret,
      Math.floor(clock.now() / 1000),
      config.webhookToleranceSeconds,
    );
    if (!check.ok) {
      logEvent("warn", "stream webhook refused", { reason: check.reason });
      throw unauthorized(`Webhook signature ${check.reason}`, check.reason === "stale" ? "stale_signature" : "invalid_signature");
    }
    let body: StreamWebhookBody;
    try {
      body = JSON.parse(raw) as StreamWebhookBody;
    } catch {
      throw badRequest("invalid_body", "The webhook body is not JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("invalid_body", "The webhook body is not a video object");
    return c.json(await receiveStreamWebhook(c.get("deps"), body), 200);
  },
);
