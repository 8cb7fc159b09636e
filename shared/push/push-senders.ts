import type { Config } from "../config";
import { type FcmServiceAccount, parseServiceAccount, sendFcm } from "./fcm";
import type { PushSender } from "./push-sender";
import { sendWebPush, vapidKeysOf } from "./web-push";

/**
 * The platform's push sender: Web Push for `webpush` devices, FCM HTTP v1 for `fcm` ones, each
 * with the credentials the config holds. A kind without credentials refuses (recorded as
 * `webpush_not_configured` / `fcm_not_configured`) instead of throwing.
 */
export function pushSenderFor(config: Config["push"], fetchFn: typeof fetch, now: () => number): PushSender {
  let account: FcmServiceAccount | undefined;
  return {
    async send(address, notification) {
      if (address.kind === "webpush") {
        if (!config.vapidPrivateKey) return { result: "refused", status: null, reason: "webpush_not_configured" };
        const keys = await vapidKeysOf(config.vapidPrivateKey, config.vapidSubject).catch(() => null);
        if (!keys) return { result: "refused", status: null, reason: "webpush_not_configured" };
        return sendWebPush(fetchFn, keys, address, notification, now());
      }
      if (!config.fcmServiceAccount) return { result: "refused", status: null, reason: "fcm_not_configured" };
      try {
        account ??= parseServiceAccount(config.fcmServiceAccount);
      } catch {
        return { result: "refused", status: null, reason: "fcm_not_configured" };
      }
      return sendFcm(fetchFn, account, address, notification, now());
    },
  };
}
