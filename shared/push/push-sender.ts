/**
 * The adapter every push goes through (docs/notifications.md): one `send` per device, whatever
 * service is behind it. Web Push (RFC 8030/8291/8292) and FCM HTTP v1 implement it; the tests
 * answer both with a local push service and a fake FCM they control.
 */

/** What a push asks of the push service. */
export interface PushNotification {
  /** The JSON the device receives (encrypted end to end for Web Push). */
  payload: Record<string, unknown>;
  /** How long the service keeps it for a device that is offline. */
  ttlSeconds: number;
  urgency: "normal" | "high";
  /** A later push with the same topic replaces one not yet delivered (at most 32 base64url characters). */
  topic?: string;
}

/** Where one device is reached. */
export type PushAddress = { kind: "webpush"; endpoint: string; p256dh: string; auth: string } | { kind: "fcm"; token: string };

/**
 * How a send went: `delivered`; `gone` (404/410, or FCM's UNREGISTERED: remove the device);
 * `retry` (429, 5xx, a network failure or timeout: try again, after `retryAfterSeconds` when the
 * service said so); `refused` (any other answer: retrying would not help). `reason` is ours to
 * record, never the service's text.
 */
export type PushOutcome =
  | { result: "delivered"; status: number }
  | { result: "gone"; status: number; reason: string }
  | { result: "retry"; status: number | null; reason: string; retryAfterSeconds?: number }
  | { result: "refused"; status: number | null; reason: string };

export interface PushSender {
  send(address: PushAddress, notification: PushNotification): Promise<PushOutcome>;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The outcome an HTTP answer of a push service means. */
export function outcomeOfStatus(response: Response, now: number): PushOutcome {
  const status = response.status;
  if (status >= 200 && status < 300) return { result: "delivered", status };
  if (status === 404 || status === 410) return { result: "gone", status, reason: `gone_${status}` };
  if (status === 429 || status >= 500)
    return { result: "retry", status, reason: `http_${status}`, retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after"), now) };
  return { result: "refused", status, reason: `http_${status}` };
}
