import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { deleteUserPushQueries, listChatNotificationSettings, listUserDeliveries, listUserDevices } from "./records";
import { getNotificationSettings } from "./settings";

/** Push's part of an account: devices (without their secrets), settings and recent deliveries in the export; all of it removed on deletion. */
export const pushAccount: AccountModule = {
  name: "push",
  exportData: async (deps, userId) => ({
    devices: (await listUserDevices(deps.db, userId)).map((device) => ({
      id: device.id,
      kind: device.kind,
      sessionId: device.sessionId,
      createdAt: device.createdAt.toISOString(),
      lastSuccessAt: device.lastSuccessAt?.toISOString() ?? null,
      lastFailureReason: device.lastFailureReason,
    })),
    settings: await getNotificationSettings(deps, userId),
    chats: (await listChatNotificationSettings(deps.db, userId)).map((row) => ({
      chatId: row.chatId,
      level: row.level,
      mutedUntil: row.mutedUntil?.toISOString() ?? null,
    })),
    deliveries: (await listUserDeliveries(deps.db, userId)).map((row) => ({
      eventId: row.eventId,
      deviceId: row.deviceId,
      status: row.status,
      attempts: row.attempts,
      reason: row.reason,
      updatedAt: row.updatedAt.toISOString(),
    })),
  }),
  onDelete: async (deps, userId) => ({ statements: toD1Statements(deps.db, deleteUserPushQueries(deps.db, userId)) }),
};
