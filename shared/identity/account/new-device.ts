import type { Deps } from "../../platform/deps-types";
import { queueEmail } from "../../email/outbox";
import { sha256Hex } from "../../ids";
import { recordAuditEvent } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { newDeviceEmail } from "./identity-emails";
import { rememberDeviceQueries } from "./records";
import { logEvent } from "../../observability/log";

/** A device is its user agent string; the hash keeps `known_devices` free of raw fingerprints. */
async function deviceHash(client: ClientInfo): Promise<string> {
  return sha256Hex((client.userAgent ?? "").trim().toLowerCase());
}

/**
 * Remembers the device of a sign-in. A device never seen for this account gets the owner an
 * e-mail, except the account's very first one (registration). Failures are logged, never
 * thrown: the sign-in itself has already succeeded.
 */
export async function rememberDevice(deps: Deps, user: { id: string; email: string }, client: ClientInfo): Promise<void> {
  try {
    const hash = await deviceHash(client);
    const now = deps.clock.now();
    const db = deps.db;
    const [, inserted, known] = await db.batch(rememberDeviceQueries(db, user.id, hash, new Date(now)));
    const isNew = inserted.length === 1;
    if (!isNew || (known[0]?.n ?? 0) <= 1) return;
    await recordAuditEvent(deps.db, { userId: user.id, type: "login.new_device", client });
    await queueEmail(deps, newDeviceEmail(user.email, client.userAgent, client.ip, new Date(now)));
  } catch (error) {
    logEvent("warn", "new-device notice failed", { userId: user.id, error: String(error) });
  }
}
