import type { Deps } from "../../platform/deps-types";
import { runBatch } from "../../db/client";
import { ApiError } from "../../http/errors";
import { newId, sha256Hex } from "../../ids";
import { PRODUCT_NAME } from "../../product";
import { enforceRateLimit } from "../../rate-limits";
import type { ClientInfo } from "../sessions/client-info";
import { findUserById } from "../account/users";
import { deleteUnusedPhoneCodesQuery, findUserIdByPhone, insertPhoneCodeQuery, type PhoneCodePurpose, tryPhoneCode } from "./records";
import { SmsDeliveryError, smsSenderFor } from "./sms-sender";
import { recordAuditEvent } from "../audit/events";

/** How long an SMS code works, and how many tries one code allows (then a new one is needed). */
export const PHONE_CODE_TTL_MS = 10 * 60_000;
export const PHONE_CODE_MAX_ATTEMPTS = 5;

/** The job that issues a code and texts it, off the request path (so the answer cannot tell whether a number has an account). */
export interface PhoneCodeJob {
  kind: "phone.code";
  purpose: PhoneCodePurpose;
  phone: string;
  /** Whose code (adding a number); null: whoever has confirmed `phone`, if anyone. */
  userId: string | null;
}

declare module "../../env" {
  interface JobKinds {
    "phone.code": PhoneCodeJob;
  }
}

const smsUnavailable = () => new ApiError(503, "sms_unavailable", "This server cannot send text messages");

/** A uniform six-digit code (rejection sampling: no digit more likely than another). */
function sixDigitCode(): string {
  const buffer = new Uint32Array(1);
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  do crypto.getRandomValues(buffer);
  while ((buffer[0] ?? limit) >= limit);
  return String((buffer[0] ?? 0) % 1_000_000).padStart(6, "0");
}

/** Only this hash is stored; it binds the code to its account, purpose and number. */
const codeHash = (userId: string, purpose: PhoneCodePurpose, phone: string, code: string) => sha256Hex(`${purpose}:${userId}:${phone}:${code.trim()}`);

const SMS_TEXT: Record<PhoneCodePurpose, string> = {
  phone_confirm: "to confirm this phone number",
  phone_sign_in: "to sign in",
  password_reset: "to reset your password",
};

/**
 * Takes one slot of the per-IP and per-number SMS budgets and queues the `phone.code` job. The
 * request does the same work whatever the number, so neither the answer nor its timing tells
 * whether it belongs to an account.
 */
export async function queuePhoneCode(deps: Deps, job: Omit<PhoneCodeJob, "kind">, client: ClientInfo): Promise<void> {
  if (!smsSenderFor(deps)) throw smsUnavailable();
  const { smsPerIp, smsPerNumber } = deps.config.phone;
  await enforceRateLimit(deps, `sms:ip:${client.ip ?? "unknown"}`, smsPerIp);
  await enforceRateLimit(deps, `sms:phone:${job.phone}`, smsPerNumber);
  await deps.queue.send({ kind: "phone.code", ...job });
}

/** The `phone.code` job: stores a new code (the user's earlier one of the purpose stops working) and texts it. */
export async function sendPhoneCode(deps: Deps, job: PhoneCodeJob): Promise<void> {
  const db = deps.db;
  const userId = job.userId ?? (await findUserIdByPhone(db, job.phone));
  if (!userId) return;
  const user = await findUserById(db, userId);
  if (!user || user.disabledAt) return;
  const sender = smsSenderFor(deps);
  if (!sender) return;
  const code = sixDigitCode();
  const now = deps.clock.now();
  await runBatch(db, [
    deleteUnusedPhoneCodesQuery(db, userId, job.purpose),
    insertPhoneCodeQuery(db, {
      id: newId(now),
      userId,
      purpose: job.purpose,
      phone: job.phone,
      codeHash: await codeHash(userId, job.purpose, job.phone, code),
      createdAt: new Date(now),
      expiresAt: new Date(now + PHONE_CODE_TTL_MS),
    }),
  ]);
  try {
    await sender.send({ to: job.phone, body: `${code} is your ${PRODUCT_NAME} code ${SMS_TEXT[job.purpose]}. It expires in 10 minutes. Never share it.` });
  } catch (error) {
    // A number the provider refuses for good gets nothing from a retry: record why, and stop.
    if (!(error instanceof SmsDeliveryError && error.permanent)) throw error;
    await recordAuditEvent(db, { userId, type: "phone.code_undelivered", detail: { purpose: job.purpose, reason: error.message.slice(0, 300) } });
  }
}

/**
 * One try at the live code `phone` got for `purpose` (counted and compared in one statement).
 * Without an account (`userId` null) the same statement runs and matches nothing, so a try at an
 * unknown number costs what a wrong code costs.
 */
export async function checkPhoneCode(deps: Deps, userId: string | null, purpose: PhoneCodePurpose, phone: string, code: string): Promise<boolean> {
  const owner = userId ?? "";
  return tryPhoneCode(deps.db, { userId: owner, purpose, phone }, await codeHash(owner, purpose, phone, code), PHONE_CODE_MAX_ATTEMPTS, deps.clock.date());
}
