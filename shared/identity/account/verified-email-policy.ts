import { configOf } from "../../config";
import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
import { ApiError } from "../../http/errors";
import { isEmailVerified } from "./records";

/** Whether accounts without a verified e-mail may log in: REQUIRE_VERIFIED_EMAIL_FOR_LOGIN (default false). */
export function loginRequiresVerifiedEmail(env: Env): boolean {
  return configOf(env).verifiedEmail.requiredForLogin;
}

/** The actions VERIFIED_EMAIL_REQUIRED_FOR lists (comma-separated), e.g. "totp.setup,data.export". */
export function actionsRequiringVerifiedEmail(env: Env): Set<string> {
  return configOf(env).verifiedEmail.requiredFor;
}

/** Throws 403 email_not_verified when `action` needs a verified e-mail and the user has none. Any module may call it. */
export async function assertVerifiedEmailFor(env: Env, userId: string, action: string): Promise<void> {
  if (!actionsRequiringVerifiedEmail(env).has(action)) return;
  if (!(await isEmailVerified(createDatabase(env.DB), userId))) throw new ApiError(403, "email_not_verified", `Verify your e-mail address before: ${action}`);
}
