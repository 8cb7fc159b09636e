import { z } from "@hono/zod-openapi";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { listDevices, pushClientConfig, registerDevice, removeDevice, toPublicDevice } from "../../../shared/push/devices";
import { getChatNotifications, getNotificationSettings, isTimeZone, setChatNotifications, updateNotificationSettings } from "../../../shared/push/settings";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["push"];

const PushConfigSchema = z
  .object({
    webPush: z.object({
      applicationServerKey: z
        .string()
        .nullable()
        .openapi({ description: "The VAPID public key (uncompressed P-256 point, base64url) for `PushManager.subscribe`; null when Web Push is off" }),
    }),
    fcm: z.object({ enabled: z.boolean() }),
  })
  .openapi("PushConfig");

const Base64Url = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_-]+=*$/, "Must be base64url");

const NewDeviceBody = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("webpush"),
        subscription: z
          .object({
            endpoint: z.string().min(1).max(2048),
            expirationTime: z.number().nullable().optional(),
            keys: z.object({ p256dh: Base64Url, auth: Base64Url }).strict(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal("fcm"),
        token: z
          .string()
          .min(1)
          .max(4096)
          .regex(/^[\x21-\x7e]+$/, "Must be printable ASCII without spaces"),
      })
      .strict(),
  ])
  .openapi("NewPushDevice", { description: "A Web Push subscription (`PushSubscription.toJSON()`) or an FCM registration token. Unknown fields are refused." });

const DeviceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["webpush", "fcm"]),
    createdAt: z.string(),
    current: z.boolean().openapi({ description: "Registered by the session of this token" }),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    lastFailureReason: z.string().nullable().openapi({ description: "Why the last push to it failed (`http_429`, `http_500`, `timeout`, ...)" }),
  })
  .openapi("PushDevice");
const DeviceList = z.object({ items: z.array(DeviceSchema) }).openapi("PushDeviceList");
const CreatedDevice = DeviceSchema.pick({ id: true, kind: true, createdAt: true }).openapi("CreatedPushDevice");

const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Must be HH:MM (24 h)");
const TimeZone = z.string().max(64).refine(isTimeZone, "Must be an IANA time zone");

const SettingsSchema = z
  .object({
    content: z
      .enum(["full", "none"])
      .openapi({ description: "`full`: chat title, sender and an excerpt in pushes; `none`: ids only (`{type, chatId, messageId}`)" }),
    quietHours: z
      .object({ start: z.string(), end: z.string(), timezone: z.string() })
      .nullable()
      .openapi({ description: "Do not disturb, in local time of `timezone`: no message pushes, no ringing but from `callsAllowedFrom`" }),
    callsAllowedFrom: z.array(z.string()).openapi({ description: "User ids whose calls still ring during quiet hours" }),
  })
  .openapi("NotificationSettings");

const SettingsPatch = z
  .object({
    content: z.enum(["full", "none"]).optional(),
    quietHours: z
      .object({ start: HhMm, end: HhMm, timezone: TimeZone.optional() })
      .strict()
      .refine((q) => q.start !== q.end, "start and end must differ")
      .nullable()
      .optional(),
    callsAllowedFrom: z.array(z.string().min(1).max(64)).max(100).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("NotificationSettingsPatch");

const ChatNotificationsSchema = z
  .object({ chatId: z.string(), level: z.enum(["all", "mentions", "off"]), mutedUntil: z.string().nullable() })
  .openapi("ChatNotifications");
const ChatNotificationsBody = z
  .object({
    level: z.enum(["all", "mentions", "off"]),
    mutedUntil: z.iso.datetime({ offset: true }).nullable().optional().openapi({ description: "No pushes from this chat until then, whatever the level" }),
  })
  .strict()
  .openapi("ChatNotificationsRequest");

/** Push notifications: devices, settings (docs/notifications.md). Mounted at /v1. */
export const pushRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/push/config",
      tags,
      summary: "What a client needs to subscribe to pushes",
      responses: { 200: jsonResponse(PushConfigSchema, "The Web Push key and whether FCM is available"), ...problemResponses(401, 503) },
    }),
    async (c) => c.json(await pushClientConfig(c.get("deps")), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/me/devices",
      tags,
      summary: "Register a push device of the current session",
      description:
        "The device belongs to the session of the token: ending that session (logout, revocation, password change, account deletion) removes it. Web Push endpoints must be https and may not name loopback or private addresses. The same endpoint or token again moves it to this session (`200`).",
      request: { body: jsonBody(NewDeviceBody) },
      responses: {
        201: jsonResponse(CreatedDevice, "Registered"),
        200: jsonResponse(CreatedDevice, "Registered before; now of this session"),
        ...problemResponses(400, 401, 409, 415, 503),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      const { device, created } = await registerDevice(c.get("deps"), principal, c.req.valid("json"));
      const { id, kind, createdAt } = toPublicDevice(device, principal.sessionId);
      return created ? c.json({ id, kind, createdAt }, 201) : c.json({ id, kind, createdAt }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/me/devices",
      tags,
      summary: "The user's push devices",
      responses: { 200: jsonResponse(DeviceList, "Devices, oldest first"), ...problemResponses(401) },
    }),
    async (c) => c.json(await listDevices(c.get("deps"), c.get("principal")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/me/devices/{id}",
      tags,
      summary: "Remove a push device",
      request: { params: IdParam },
      responses: { 204: { description: "Removed" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      await removeDevice(c.get("deps"), c.get("principal").userId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/me/notification-settings",
      tags,
      summary: "The user's push settings",
      responses: { 200: jsonResponse(SettingsSchema, "Settings"), ...problemResponses(401) },
    }),
    async (c) => c.json(await getNotificationSettings(c.get("deps"), c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "patch",
      path: "/me/notification-settings",
      tags,
      summary: "Change push settings",
      description: "Quiet hours without a `timezone` are in the profile's time zone (else UTC). `quietHours: null` turns them off.",
      request: { body: jsonBody(SettingsPatch) },
      responses: { 200: jsonResponse(SettingsSchema, "Settings after the change"), ...problemResponses(400, 401, 415) },
    }),
    async (c) => c.json(await updateNotificationSettings(c.get("deps"), c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/chats/{id}/notifications",
      tags,
      summary: "This chat's push level for the user",
      description: "Without a choice: `all`, but `off` for the general chat.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ChatNotificationsSchema, "Level"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await getChatNotifications(c.get("deps"), c.get("principal").userId, c.req.valid("param").id), 200),
  )
  .openapi(
    authedRoute({
      method: "put",
      path: "/chats/{id}/notifications",
      tags,
      summary: "Set this chat's push level for the user",
      description: "`all`, `mentions` (a message with `@` and your display name) or `off`; `mutedUntil` silences the chat until then whatever the level.",
      request: { params: IdParam, body: jsonBody(ChatNotificationsBody) },
      responses: { 200: jsonResponse(ChatNotificationsSchema, "Level"), ...problemResponses(400, 401, 404, 415) },
    }),
    async (c) => c.json(await setChatNotifications(c.get("deps"), c.get("principal").userId, c.req.valid("param").id, c.req.valid("json")), 200),
  );
