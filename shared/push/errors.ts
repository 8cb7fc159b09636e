import { defineErrors } from "../http/errors";

/** The error codes of push devices and notification settings. */
export const pushErrors = defineErrors({
  invalid_push_endpoint: {
    status: 400,
    description: "A Web Push endpoint that is not https (outside development), names a loopback, private or link-local address, or is not a URL.",
  },
  invalid_push_keys: {
    status: 400,
    description: "A Web Push subscription whose `p256dh` is not an uncompressed P-256 point or whose `auth` is not 16 bytes (base64url).",
  },
  push_kind_unavailable: {
    status: 409,
    description: "This kind of device cannot be registered here: Web Push needs PUSH_VAPID_PRIVATE_KEY, FCM needs PUSH_FCM_SERVICE_ACCOUNT.",
  },
  too_many_devices: { status: 409, description: "The user has PUSH_MAX_DEVICES_PER_USER devices already; remove one first." },
  invalid_timezone: { status: 400, description: "Not an IANA time zone name this runtime knows." },
  push_not_configured: { status: 503, description: "The push sender's credentials are missing or unusable." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    push: typeof pushErrors;
  }
}
