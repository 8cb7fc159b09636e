import type { Deps } from "../../platform/deps-types";
import { ApiError } from "../../http/errors";
import { isEmailVerified } from "./records";

/** Whether accounts without a verified e-mail may log in: REQUIRE_VERIFIED_EMAIL_FOR_LOGIN (default false). */
export function loginRequiresVerifiedEmail(deps: Deps): boolean {
  return deps.config.verifiedEmail.requiredForLogin;
}

/** The actions VERIFIED_EMAIL_REQUIRED_FOR lists (comma-separated), e.g. "totp.setup,data.export". */
export function actionsRequiringVerifiedEmail(deps: Deps): Set<string> {
  return deps.config.verifiedEmail.requiredFor;
}

/** Throws 403 email_not_verified when `action` needs a verified e-mail and the user has none. Any module may call it. */
export async function assertVerifiedEmailFor(deps: Deps, userId: string, action: string): Promise<void> {
  if (!actionsRequiringVerifiedEmail(deps).has(action)) return;
  if (!(await isEmailVerified(deps.db, userId))) throw new ApiError(403, "email_not_verified", `Verify your e-mail address before: ${action}`);
}
