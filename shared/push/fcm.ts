import { importPKCS8, SignJWT } from "jose";
import { ApiError } from "../http/errors";
import { type PushAddress, type PushNotification, type PushOutcome, outcomeOfStatus, retryAfterSeconds } from "./push-sender";

/** The fields of a Google service account key that FCM HTTP v1 needs. */
export interface FcmServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  tokenUri: string;
}

export const FCM_API = "https://fcm.googleapis.com";
const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
/** A cached OAuth token is renewed this long before Google says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const SEND_TIMEOUT_MS = 10_000;

export function parseServiceAccount(json: string): FcmServiceAccount {
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    const { project_id: projectId, client_email: clientEmail, private_key: privateKey, token_uri: tokenUri } = raw;
    if (typeof projectId !== "string" || typeof clientEmail !== "string" || typeof privateKey !== "string") throw new Error("incomplete");
    return { projectId, clientEmail, privateKey, tokenUri: typeof tokenUri === "string" ? tokenUri : "https://oauth2.googleapis.com/token" };
  } catch {
    throw new ApiError(503, "push_not_configured", "FCM is not configured correctly");
  }
}

/** OAuth access tokens by service account, kept until shortly before they expire (per isolate). */
const tokens = new Map<string, { token: string; renewAt: number }>();

/** Token requests under way: sends that start together share one. */
const pending = new Map<string, Promise<string | PushOutcome>>();

/** Forgets cached tokens (tests). */
export function forgetFcmTokens(): void {
  tokens.clear();
}

/** An OAuth 2.0 access token for FCM, cached until shortly before it expires; concurrent sends share one request. */
function accessToken(fetchFn: typeof fetch, account: FcmServiceAccount, now: number): Promise<string | PushOutcome> {
  const cached = tokens.get(account.clientEmail);
  if (cached && cached.renewAt > now) return Promise.resolve(cached.token);
  let request = pending.get(account.clientEmail);
  if (!request) {
    request = requestAccessToken(fetchFn, account, now).finally(() => pending.delete(account.clientEmail));
    pending.set(account.clientEmail, request);
  }
  return request;
}

/** A JWT signed with the service account's key, traded at its token URI (RFC 7523). */
async function requestAccessToken(fetchFn: typeof fetch, account: FcmServiceAccount, now: number): Promise<string | PushOutcome> {
  let assertion: string;
  try {
    const key = await importPKCS8(account.privateKey, "RS256");
    assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(account.clientEmail)
      .setAudience(account.tokenUri)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 3600)
      .sign(key);
  } catch {
    return { result: "refused", status: null, reason: "fcm_key_unusable" };
  }
  let response: Response;
  try {
    response = await fetchFn(account.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch {
    return { result: "retry", status: null, reason: "fcm_oauth_unreachable" };
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status === 429 || response.status >= 500)
      return {
        result: "retry",
        status: response.status,
        reason: `fcm_oauth_${response.status}`,
        retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after"), now),
      };
    return { result: "refused", status: response.status, reason: `fcm_oauth_${response.status}` };
  }
  const body = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
  if (!body || typeof body.access_token !== "string") return { result: "retry", status: response.status, reason: "fcm_oauth_malformed" };
  const expiresInMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
  tokens.set(account.clientEmail, { token: body.access_token, renewAt: now + Math.max(0, expiresInMs - TOKEN_MARGIN_MS) });
  return body.access_token;
}

/** FCM's `data` is a map of strings: each payload field as a string (JSON for anything else). */
function dataOf(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** The FCM HTTP v1 message for one token: data only (the app renders it), priority, TTL and collapse key per platform. */
export function fcmMessage(token: string, notification: PushNotification) {
  const high = notification.urgency === "high";
  return {
    message: {
      token,
      data: dataOf(notification.payload),
      android: { priority: high ? "HIGH" : "NORMAL", ttl: `${notification.ttlSeconds}s`, ...(notification.topic ? { collapse_key: notification.topic } : {}) },
      webpush: {
        headers: { TTL: String(notification.ttlSeconds), Urgency: notification.urgency, ...(notification.topic ? { Topic: notification.topic } : {}) },
      },
      apns: {
        headers: {
          "apns-priority": high ? "10" : "5",
          "apns-push-type": "background",
          ...(notification.topic ? { "apns-collapse-id": notification.topic } : {}),
        },
        payload: { aps: { "content-available": 1 } },
      },
    },
  };
}

export async function sendFcm(
  fetchFn: typeof fetch,
  account: FcmServiceAccount,
  address: Extract<PushAddress, { kind: "fcm" }>,
  notification: PushNotification,
  now: number,
): Promise<PushOutcome> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await accessToken(fetchFn, account, now);
    if (typeof token !== "string") return token;
    let response: Response;
    try {
      response = await fetchFn(`${FCM_API}/v1/projects/${encodeURIComponent(account.projectId)}/messages:send`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(fcmMessage(address.token, notification)),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch {
      return { result: "retry", status: null, reason: "network_error" };
    }
    if (response.status === 401 && attempt === 0) {
      // The cached token was revoked or expired early: get a new one once.
      await response.body?.cancel();
      tokens.delete(account.clientEmail);
      continue;
    }
    const text = response.ok ? "" : await response.text().catch(() => "");
    if (!response.ok && /UNREGISTERED/.test(text)) return { result: "gone", status: response.status, reason: "fcm_unregistered" };
    if (response.ok) await response.body?.cancel();
    return outcomeOfStatus(response, now);
  }
  return { result: "refused", status: 401, reason: "fcm_unauthorized" };
}
