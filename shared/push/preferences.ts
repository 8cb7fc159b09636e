import type { NotificationSettingsRecord } from "./records";

/** Minutes after local midnight in `timeZone` at `now` (UTC when the zone is unknown). */
export function localMinutes(now: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(now));
  } catch {
    const date = new Date(now);
    return date.getUTCHours() * 60 + date.getUTCMinutes();
  }
  const hour = Number(parts.find((part) => part.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === "minute")?.value ?? 0);
  return (hour % 24) * 60 + minute;
}

/** Whether `now` falls in the user's quiet hours ([start, end), across midnight when start > end). */
export function inQuietHours(settings: NotificationSettingsRecord | null, now: number): boolean {
  if (!settings || settings.quietStart === null || settings.quietEnd === null) return false;
  const minutes = localMinutes(now, settings.timezone);
  const { quietStart: start, quietEnd: end } = settings;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

export function callsAllowedFrom(settings: NotificationSettingsRecord | null): string[] {
  if (!settings) return [];
  try {
    const ids = JSON.parse(settings.callsAllowedFrom) as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Whether `text` mentions someone called `displayName`: `@` and the name, any case, not followed
 * by a letter or digit: how a plain message may mention someone without `mentions` ids
 * (docs/notifications.md).
 */
export function mentions(text: string, displayName: string): boolean {
  const name = displayName.trim().toLocaleLowerCase();
  if (!name) return false;
  const lower = text.toLocaleLowerCase();
  for (let at = lower.indexOf(`@${name}`); at >= 0; at = lower.indexOf(`@${name}`, at + 1)) {
    const next = lower.slice(at + 1 + name.length).match(/^./u)?.[0];
    if (!next || !/[\p{L}\p{N}]/u.test(next)) return true;
  }
  return false;
}

/** Whether content may be shown (chat title, sender, excerpt) or only ids. */
export const showsContent = (settings: NotificationSettingsRecord | null) => (settings?.content ?? "full") === "full";
