import type { Deps } from "../platform/deps-types";
import { ApiError } from "../http/errors";
import { requireMembership } from "../chat/chats";
import { findUserById } from "../identity/account/users";
import { callsAllowedFrom } from "./preferences";
import { defaultLevel, type NotificationLevel } from "./audience";
import {
  findChatNotificationSetting,
  findNotificationSettings,
  type NotificationSettingsRecord,
  upsertChatNotificationSetting,
  upsertNotificationSettings,
} from "./records";

export interface ChatNotifications {
  chatId: string;
  level: NotificationLevel;
  mutedUntil: string | null;
}

export interface NotificationSettings {
  content: "full" | "none";
  quietHours: { start: string; end: string; timezone: string } | null;
  callsAllowedFrom: string[];
}

export interface NotificationSettingsChange {
  content?: "full" | "none";
  quietHours?: { start: string; end: string; timezone?: string } | null;
  callsAllowedFrom?: string[];
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const minutesOf = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function toSettings(record: NotificationSettingsRecord | undefined): NotificationSettings {
  if (!record) return { content: "full", quietHours: null, callsAllowedFrom: [] };
  return {
    content: record.content,
    quietHours:
      record.quietStart === null || record.quietEnd === null ? null : { start: hhmm(record.quietStart), end: hhmm(record.quietEnd), timezone: record.timezone },
    callsAllowedFrom: callsAllowedFrom(record),
  };
}

export async function getNotificationSettings(deps: Deps, userId: string): Promise<NotificationSettings> {
  return toSettings(await findNotificationSettings(deps.db, userId));
}

/** PATCH /v1/me/notification-settings: quiet hours without a zone are in the user's profile time zone (else UTC). */
export async function updateNotificationSettings(deps: Deps, userId: string, change: NotificationSettingsChange): Promise<NotificationSettings> {
  const current = await findNotificationSettings(deps.db, userId);
  const next: NotificationSettingsRecord = current
    ? { ...current }
    : { userId, content: "full", quietStart: null, quietEnd: null, timezone: "UTC", callsAllowedFrom: "[]", updatedAt: new Date(0) };
  if (change.content) next.content = change.content;
  if (change.quietHours === null) {
    next.quietStart = null;
    next.quietEnd = null;
  } else if (change.quietHours) {
    const timezone = change.quietHours.timezone ?? (await findUserById(deps.db, userId))?.timezone ?? "UTC";
    if (!isTimeZone(timezone)) throw new ApiError(400, "invalid_timezone", "The time zone is not an IANA zone name");
    next.quietStart = minutesOf(change.quietHours.start);
    next.quietEnd = minutesOf(change.quietHours.end);
    next.timezone = timezone;
  }
  if (change.callsAllowedFrom) next.callsAllowedFrom = JSON.stringify([...new Set(change.callsAllowedFrom)]);
  next.updatedAt = deps.clock.date();
  await upsertNotificationSettings(deps.db, next);
  return toSettings(next);
}

/** PUT /v1/chats/:id/notifications: members only (another chat is `404`). */
export async function setChatNotifications(
  deps: Deps,
  userId: string,
  chatId: string,
  input: { level: NotificationLevel; mutedUntil?: string | null },
): Promise<ChatNotifications> {
  await requireMembership(deps, chatId, userId);
  const mutedUntil = input.mutedUntil ? new Date(input.mutedUntil) : null;
  await upsertChatNotificationSetting(deps.db, { chatId, userId, level: input.level, mutedUntil, updatedAt: deps.clock.date() });
  return { chatId, level: input.level, mutedUntil: mutedUntil?.toISOString() ?? null };
}

export async function getChatNotifications(deps: Deps, userId: string, chatId: string): Promise<ChatNotifications> {
  const membership = await requireMembership(deps, chatId, userId);
  const record = await findChatNotificationSetting(deps.db, chatId, userId);
  return {
    chatId,
    level: record?.level ?? defaultLevel(chatId, membership.type === "general"),
    mutedUntil: record?.mutedUntil?.toISOString() ?? null,
  };
}
