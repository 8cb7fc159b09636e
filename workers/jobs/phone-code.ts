import type { JobMessage } from "../../shared/env";
import { sendPhoneCode } from "../../shared/identity/phone/phone-codes";
import type { Deps } from "../../shared/platform/deps-types";

/**
 * The `phone.code` job: looks the number up and texts its code off the request path. A provider
 * failure throws, so the queue retries with backoff and finally dead-letters it.
 */
export async function phoneCodeJob(job: Extract<JobMessage, { kind: "phone.code" }>, deps: Deps): Promise<void> {
  await sendPhoneCode(deps, job);
}
