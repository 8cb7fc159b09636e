import { GENERAL_CHAT_ID } from "../chat/model";
import type { Deps } from "../platform/deps-types";
import { callsAllowedFrom, inQuietHours, mentions } from "./preferences";
import { chatListeners, type NotificationSettingsRecord } from "./records";

export type NotificationLevel = "all" | "mentions" | "off";

/** The level a chat has when its member never chose one: everything, but the general chat (every account) stays quiet. */
export const defaultLevel = (chatId: string, general: boolean): NotificationLevel => (general || chatId === "general" ? "off" : "all");

/** A person an event may reach, with everything that decides whether it does. */
export interface Listener {
  userId: string;
  displayName: string;
  settings: NotificationSettingsRecord | null;
  /** Their setting for the chat the event happens in; absent for an event outside any chat. */
  chat?: { id: string; general: boolean; level: NotificationLevel | null; mutedUntil: Date | null };
}

/** What happened, as far as deciding who hears of it goes. */
export type Occasion =
  /** A message in the listener's chat. */
  | { kind: "message"; text: string; mentionIds?: readonly string[] }
  /** A call rings the listener: a 1:1 call, or a group call in their chat. */
  | { kind: "ring"; callerId: string }
  /** Anything else addressed to the listener alone (an application's progress). */
  | { kind: "news" };

/**
 * The one rule every event kind passes through (push and in-app rings alike), so a new kind cannot
 * skip a setting: in a chat, its level (the general chat's default is off) and its mute; "mentions
 * only" lets through a message that names them, never a call (it names nobody); quiet hours hold
 * everything back but a ring from an allowed caller.
 */
export function hears(listener: Listener, occasion: Occasion, now: number): boolean {
  if (listener.chat) {
    const level = listener.chat.level ?? defaultLevel(listener.chat.id, listener.chat.general);
    if (level === "off") return false;
    if (listener.chat.mutedUntil && listener.chat.mutedUntil.getTime() > now) return false;
    if (level === "mentions" && !(occasion.kind === "message" && mentionsListener(occasion, listener))) return false;
  }
  if (inQuietHours(listener.settings, now)) return occasion.kind === "ring" && callsAllowedFrom(listener.settings).includes(occasion.callerId);
  return true;
}

/** The members a group call started by `starterId` rings, in the app and on their devices. */
export async function groupCallRingees(deps: Pick<Deps, "db" | "clock">, chatId: string, starterId: string): Promise<string[]> {
  const listeners = await chatListeners(deps.db, chatId, { general: chatId === GENERAL_CHAT_ID, except: [starterId], withDevice: false });
  const now = deps.clock.now();
  return listeners.filter((listener) => hears(listener, { kind: "ring", callerId: starterId }, now)).map((listener) => listener.userId);
}

/**
 * A message mentions the listener by id (its `mentions`: all an encrypted one has, since the server
 * cannot read its text) or, in a plain one, by `@name` in the text (an API client may write only that).
 */
function mentionsListener(occasion: Extract<Occasion, { kind: "message" }>, listener: Listener): boolean {
  return (occasion.mentionIds?.includes(listener.userId) ?? false) || mentions(occasion.text, listener.displayName);
}
