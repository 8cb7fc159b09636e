import { ApiError } from "../../http/errors";
import { metrics } from "../../observability/metrics";

// The results a login can have, as the label of identity_logins_total (a closed set).
const RESULT_BY_CODE: Record<string, string> = {
  invalid_credentials: "invalid_credentials",
  rate_limited: "rate_limited",
  account_disabled: "account_disabled",
  email_not_verified: "email_not_verified",
  mfa_required: "mfa_required",
  invalid_mfa_code: "invalid_mfa_code",
  invalid_mfa_token: "invalid_mfa_token",
};

/** Awaits a login attempt (password or second factor) and counts its result. */
export async function countLoginResult<T>(attempt: Promise<T>): Promise<T> {
  try {
    const result = await attempt;
    metrics.count("identity_logins_total", { result: "success" });
    return result;
  } catch (error) {
    const result = error instanceof ApiError ? (RESULT_BY_CODE[error.code] ?? "other_error") : "error";
    metrics.count("identity_logins_total", { result });
    throw error;
  }
}
