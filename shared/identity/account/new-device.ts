import type { Deps } from "../../platform/deps-types";
import { queueEmail } from "../../email/outbox";
import { sha256Hex } from "../../ids";
import { recordAuditEvent } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { newDeviceEmail } from "./identity-emails";
import { rememberCountryQueries, rememberDeviceQueries } from "./records";
import { logEvent } from "../../observability/log";

/** A device is its user agent string; the hash keeps `known_devices` free of raw fingerprints. */
async function deviceHash(client: ClientInfo): Promise<string> {
  return sha256Hex((client.userAgent ?? "").trim().toLowerCase());
}

function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "Paris, France" from Cloudflare's metadata; null when it gave none. */
export function placeOf(client: ClientInfo): string | null {
  const parts = [client.city, client.country ? countryName(client.country) : null].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(", ") : null;
}

/**
 * Remembers the device and the country of a sign-in. A device or a country never seen for this
 * account gets the owner an e-mail naming the place, and a security event (`login.new_device`, or
 * `login.new_country` from a known device) with `newCountry` set for a new country; the account's
 * very first device and country (registration) are learnt silently. Failures are logged, never
 * thrown: the sign-in itself has already succeeded.
 */
export async function rememberDevice(deps: Deps, user: { id: string; email: string }, client: ClientInfo): Promise<void> {
  try {
    const hash = await deviceHash(client);
    const now = deps.clock.now();
    const db = deps.db;
    const [, inserted, known] = await db.batch(rememberDeviceQueries(db, user.id, hash, new Date(now)));
    const newDevice = inserted.length === 1 && (known[0]?.n ?? 0) > 1;
    let newCountry = false;
    if (client.country) {
      const [added, countries] = await db.batch(rememberCountryQueries(db, user.id, client.country, new Date(now)));
      newCountry = added.length === 1 && (countries[0]?.n ?? 0) > 1;
    }
    if (!newDevice && !newCountry) return;
    const place = placeOf(client);
    await recordAuditEvent(deps.db, {
      userId: user.id,
      type: newDevice ? "login.new_device" : "login.new_country",
      client,
      detail: { country: client.country ?? null, city: client.city ?? null, newCountry },
    });
    await queueEmail(deps, newDeviceEmail(user.email, { userAgent: client.userAgent, ip: client.ip, place, newDevice, newCountry, at: new Date(now) }));
  } catch (error) {
    logEvent("warn", "new-device notice failed", { userId: user.id, error: String(error) });
  }
}
