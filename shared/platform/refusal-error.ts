import { ApiError } from "../http/errors";
import { rateLimited } from "../rate-limits";
import type { Refusal, Result } from "./result";

/** The one conversion of a refusal into the error the Worker answers. */
export function refusalError(refused: Refusal): ApiError {
  if (refused.status === 429) return rateLimited(refused.retryAfterSeconds ?? 1, refused.detail);
  return new ApiError(refused.status, refused.code, refused.detail, refused.extra ?? {});
}

/** The value of a Durable Object's answer, or its refusal thrown as the ApiError it stands for. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw refusalError(result);
}
