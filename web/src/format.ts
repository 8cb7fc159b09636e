// How people, times and durations read on screen.
import type { Chat } from "../../client";
import { lookUpPerson } from "./people";
import { store, type User } from "./store";

/** A person's chosen name: from what this tab has met, else asked for once (shown as "…" meanwhile). */
export function personLabel(userId: string | null, me: User | null): string {
  if (userId === null) return "Deleted account";
  if (me && userId === me.id) return me.displayName;
  const known = store.state.people[userId];
  if (known === null) return "Deleted account";
  if (known) return known.displayName;
  lookUpPerson(userId);
  return "…";
}

export function chatTitle(chat: Chat, me: User | null): string {
  if (chat.title) return chat.title;
  if (chat.type === "general") return "General";
  if (chat.peer) return chat.peer.displayName;
  const other = (chat.memberIds ?? []).find((id) => id !== me?.id);
  return other ? personLabel(other, me) : "Just you";
}

export function directPeer(chat: Chat, me: User | null): string | null {
  if (chat.type !== "direct") return null;
  return (chat.memberIds ?? []).find((id) => id !== me?.id) ?? null;
}

/** Avatar backgrounds, each at least 4.5:1 against the white initials (WCAG AA). */
const AVATAR_COLOURS = ["#4338ca", "#0e7490", "#0f766e", "#c2410c", "#be185d", "#7e22ce", "#a16207", "#15803d"];
export function avatarColour(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return AVATAR_COLOURS[Math.abs(hash) % AVATAR_COLOURS.length]!;
}

export function initials(label: string): string {
  const words = label.split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "?") + (words[1]?.[0] ?? "")).toUpperCase();
}

/** A time of day as the browser's language writes it: "2:11 PM" in American English, "14:11" in German. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { timeStyle: "short" });
}

/**
 * A moment with its date, as every screen writes one: "Nov 29, 2026, 3:08 AM" in the browser's
 * language (the month in words, so 11/12 cannot be read both ways; no seconds).
 */
export function dateTime(iso: string | number | Date): string {
  return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

/** A moment that may not have come: "never" for none (a session never used, a secret never rotated). */
export function when(iso: string | null): string {
  return iso ? dateTime(iso) : "never";
}

/** A day, as every screen writes one: "Nov 29, 2026". */
export function dayOf(iso: string | number | Date): string {
  return new Date(iso).toLocaleDateString([], { dateStyle: "medium" });
}

export function listTime(iso: string): string {
  const date = new Date(iso);
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return clockTime(iso);
  return date.toLocaleDateString([], { month: "short", day: "numeric" });
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
