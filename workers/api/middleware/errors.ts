import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, problemResponse, problemTitle } from "../../../shared/http/errors";
import { redact } from "../../../shared/http/redact";
import { logEvent } from "../../../shared/observability/log";
import type { AppEnv } from "../context";

function fromHttpException(error: HTTPException): ApiError {
  if (error.status === 400) return new ApiError(400, "malformed_json", "The request body is not valid JSON");
  if (error.status === 413) return new ApiError(413, "body_too_large", "The request body is too large");
  if (error.status === 415) return new ApiError(415, "unsupported_media_type", "Send the body as application/json");
  return new ApiError(error.status as ApiError["status"], "http_error", problemTitle(error.status));
}

/** The single place where thrown errors become problem+json responses. */
export function renderError(error: unknown, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? "unknown";
  let apiError: ApiError;
  if (error instanceof ApiError) apiError = error;
  else if (error instanceof HTTPException) apiError = fromHttpException(error);
  else {
    logEvent("error", "unhandled error", {
      requestId,
      error: redact(error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error)),
    });
    apiError = new ApiError(500, "internal_error", "Something went wrong on our side");
  }
  return problemResponse(apiError, requestId, c.get("trace")?.traceId);
}
