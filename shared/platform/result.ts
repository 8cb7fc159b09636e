import type { ErrorCode } from "../http/errors";

/**
 * Why a Durable Object refused a call. Errors lose their class across RPC, so an object answers
 * a refusal as data, and the Worker turns it into the ApiError it stands for with `refusalError` (refusal-error.ts).
 */
export interface Refusal {
  ok: false;
  status: 400 | 403 | 404 | 409 | 429;
  code: ErrorCode;
  detail: string;
  /** For 429: seconds until the caller may try again. */
  retryAfterSeconds?: number;
  /** Fields the problem+json answer carries beside `code` (a call refused as busy carries the call). */
  extra?: Record<string, unknown>;
}

/** What every Durable Object RPC method that can refuse answers. */
export type Result<T> = { ok: true; value: T } | Refusal;

export function refusal(status: Refusal["status"], code: ErrorCode, detail: string, more: Pick<Refusal, "retryAfterSeconds" | "extra"> = {}): Refusal {
  return { ok: false, status, code, detail, ...more };
}
