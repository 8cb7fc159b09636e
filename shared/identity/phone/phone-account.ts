import type { Deps } from "../../platform/deps-types";
import { runBatch } from "../../db/client";
import { ApiError, conflict, notFound } from "../../http/errors";
import { auditEventQuery } from "../audit/events";
import { confirmPassword } from "../credentials/password-checks";
import type { ClientInfo } from "../sessions/client-info";
import { checkPhoneCode, queuePhoneCode } from "./phone-codes";
import { type PhoneView, phoneView, toE164 } from "./phone-numbers";
import { deleteUserPhoneQuery, findPendingPhone, findUserIdByPhone, findUserPhone, upsertUserPhoneQuery } from "./records";

export interface PhoneSettings {
  /** The confirmed number: sign-in (where enabled) and password recovery use it. */
  phone: (PhoneView & { confirmedAt: string }) | null;
  /** A number a confirmation code was texted to and not yet confirmed (the code is still live). */
  pending: PhoneView | null;
}

/** GET /v1/me/phone. */
export async function phoneSettings(deps: Deps, userId: string): Promise<PhoneSettings> {
  const [confirmed, pending] = await Promise.all([findUserPhone(deps.db, userId), findPendingPhone(deps.db, userId, deps.clock.date())]);
  return {
    phone: confirmed ? { ...phoneView(confirmed.phone), confirmedAt: confirmed.confirmedAt.toISOString() } : null,
    pending: pending ? phoneView(pending) : null,
  };
}

/**
 * POST /v1/me/phone: adding or changing the number needs the password (a stolen access token must
 * not move the account's recovery path), then a code goes to the new number. The old number, if
 * any, stays until the new one is confirmed.
 */
export async function requestPhoneConfirmation(
  deps: Deps,
  userId: string,
  typed: string,
  region: string | null,
  password: string,
  client: ClientInfo,
): Promise<PhoneView> {
  const phone = toE164(typed, region ?? deps.config.phone.defaultRegion);
  await confirmPassword(deps, userId, password, client, "phone.add");
  if ((await findUserPhone(deps.db, userId))?.phone === phone) throw conflict("phone_already_confirmed", "This is your confirmed number already");
  await queuePhoneCode(deps, { purpose: "phone_confirm", phone, userId }, client);
  return phoneView(phone);
}

const wrongCode = () => new ApiError(400, "invalid_phone_code", "The code is wrong or expired; ask for a new one");

/** POST /v1/me/phone/confirm: the texted code makes the pending number the account's. */
export async function confirmPhone(deps: Deps, userId: string, code: string, client: ClientInfo): Promise<PhoneSettings> {
  const db = deps.db;
  const phone = await findPendingPhone(db, userId, deps.clock.date());
  if (!phone || !(await checkPhoneCode(deps, userId, "phone_confirm", phone, code))) throw wrongCode();
  // Whoever holds the number decides: a number confirmed on another account stays there.
  const holder = await findUserIdByPhone(db, phone);
  if (holder && holder !== userId) throw conflict("phone_taken", "This number belongs to another account; remove it there first");
  const previous = await findUserPhone(db, userId);
  try {
    await runBatch(db, [
      upsertUserPhoneQuery(db, userId, phone, deps.clock.date()),
      auditEventQuery(db, { userId, type: previous ? "phone.changed" : "phone.added", client, detail: { phone: phoneView(phone).international } }),
    ]);
  } catch (error) {
    // Two accounts confirming one number at once: the unique index keeps the first.
    if (String(error).includes("UNIQUE")) throw conflict("phone_taken", "This number belongs to another account; remove it there first");
    throw error;
  }
  return phoneSettings(deps, userId);
}

/** DELETE /v1/me/phone (with the password): phone sign-in and SMS recovery stop for the account. */
export async function removePhone(deps: Deps, userId: string, password: string, client: ClientInfo): Promise<void> {
  await confirmPassword(deps, userId, password, client, "phone.remove");
  const db = deps.db;
  const current = await findUserPhone(db, userId);
  if (!current) throw notFound("This account has no phone number");
  await runBatch(db, [
    deleteUserPhoneQuery(db, userId),
    auditEventQuery(db, { userId, type: "phone.removed", client, detail: { phone: phoneView(current.phone).international } }),
  ]);
}
