import { clock } from "../../clock";
import { queueEmail } from "../../email/outbox";
import type { Env } from "../../env";
import { sha256Hex } from "../../ids";
import { auditEventStatement } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { newDeviceEmail } from "./identity-emails";

/** A device is its user agent string; the hash keeps `known_devices` free of raw fingerprints. */
async function deviceHash(client: ClientInfo): Promise<string> {
  return sha256Hex((client.userAgent ?? "").trim().toLowerCase());
}

/**
 * Remembers the device of a sign-in. A device never seen for this account gets the owner an
 * e-mail, except the account's very first one (registration). Failures are logged, never
 * thrown: the sign-in itself has already succeeded.
 */
export async function rememberDevice(env: Env, user: { id: string; email: string }, client: ClientInfo): Promise<void> {
  try {
    const hash = await deviceHash(client);
    const now = clock.now();
    const [, inserted, known] = await env.DB.batch<{ n: number }>([
      env.DB.prepare("UPDATE known_devices SET last_seen_at = ? WHERE user_id = ? AND device_hash = ?").bind(now, user.id, hash),
      env.DB.prepare("INSERT OR IGNORE INTO known_devices (user_id, device_hash, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)").bind(
        user.id,
        hash,
        now,
        now,
      ),
      env.DB.prepare("SELECT COUNT(*) AS n FROM known_devices WHERE user_id = ?").bind(user.id),
    ]);
    const isNew = inserted?.meta.changes === 1;
    if (!isNew || (known?.results[0]?.n ?? 0) <= 1) return;
    await auditEventStatement(env.DB, { userId: user.id, type: "login.new_device", client }).run();
    await queueEmail(env, newDeviceEmail(user.email, client.userAgent, client.ip, new Date(now)));
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", msg: "new-device notice failed", userId: user.id, error: String(error) }));
  }
}
