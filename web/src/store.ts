// The app's state in one place: views subscribe with useAppState(), actions change it with set().
import { useSyncExternalStore } from "hono/jsx/dom";
import type { Call, Chat, GroupCall, Person } from "../../client";
import type { CallView, GroupCallView, Route } from "./views";
import { problemText } from "./problem-text";

export interface User {
  id: string;
  email: string;
  displayName: string;
  avatarUrl?: string | null;
  bio?: string | null;
  presenceVisibility?: "chats" | "nobody";
  role?: "user" | "moderator" | "admin";
}

export type { Route } from "./views";

/** This session's end-to-end encryption device (web/src/e2ee/device.ts). */
export type E2eeState = { state: "off" | "starting" | "unavailable" } | { state: "ready"; fingerprint: string };

export interface AppState {
  phase: "loading" | "signed-out" | "signed-in";
  me: User | null;
  chats: Chat[];
  route: Route;
  /** The hub socket: is this device reachable for calls and chat-list changes. */
  live: "open" | "connecting" | "offline";
  /** A call to this user that is ringing on this device. */
  ringing: Call | null;
  /** The call this device is in (or just ended). */
  call: CallView | null;
  /** A group call on one of this user's chats that rings on this device. */
  groupRinging: GroupCall | null;
  /** The group call this device is in (or just left). */
  groupCall: GroupCallView | null;
  notice: string | null;
  /** Names and pictures of the people this tab has met (chat peers, senders, members), by id; null: the account is gone. */
  people: Record<string, Person | null>;
  /** Push notifications on this device (web/src/notifications.ts). */
  push: "unsupported" | "off" | "working" | "on" | "blocked" | "failed";
  e2ee: E2eeState;
  /** What encrypted chats' last messages say, as this device opened them, by message id (the server has only ciphertext). */
  e2eePreviews: Record<string, string>;
}

type Listener = () => void;

export class Store {
  #state: AppState = {
    phase: "loading",
    me: null,
    chats: [],
    route: { name: "chats" },
    live: "connecting",
    ringing: null,
    call: null,
    groupRinging: null,
    groupCall: null,
    notice: null,
    people: {},
    push: "off",
    e2ee: { state: "off" },
    e2eePreviews: {},
  };
  readonly #listeners = new Set<Listener>();

  get state(): AppState {
    return this.#state;
  }

  set(patch: Partial<AppState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Tells the user an action failed: the problem's own words, else `fallback`. */
  showError(error: unknown, fallback: string): void {
    this.set({ notice: problemText(error, fallback) });
  }

  /** Remembers people a page or a chat named. */
  rememberPeople(people: readonly (Person | null | undefined)[]): void {
    const known = { ...this.#state.people };
    let changed = false;
    for (const person of people) {
      if (!person) continue;
      const before = known[person.id];
      if (before && before.displayName === person.displayName && before.avatarUrl === person.avatarUrl) continue;
      known[person.id] = person;
      changed = true;
    }
    if (changed) this.set({ people: known });
  }

  /** Puts a chat from a list or a `chat.updated` frame in place, most recently active first. */
  /** How many live chat updates this tab has applied: a list read from the server is only as new as when it was asked for. */
  chatUpdates = 0;
  readonly #updatedAt = new Map<string, number>();

  /**
   * The chat list as the server read it, asked for when `chatUpdates` was `since`: a chat a hub
   * frame brought in or changed meanwhile is kept as the frame had it (a group made while the list
   * was on its way would otherwise vanish until the next reload).
   */
  replaceChats(read: Chat[], since: number): void {
    const newer = this.#state.chats.filter((chat) => (this.#updatedAt.get(chat.id) ?? 0) > since);
    const newerIds = new Set(newer.map((chat) => chat.id));
    const chats = [...newer, ...read.filter((chat) => !newerIds.has(chat.id))].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    this.set({ chats });
  }

  upsertChat(incoming: Chat): void {
    this.#updatedAt.set(incoming.id, ++this.chatUpdates);
    // Read positions only move forward: a list update written before this tab's last read must not bring unread back.
    const known = this.#state.chats.find((c) => c.id === incoming.id);
    const readSeq = Math.max(known?.readSeq ?? 0, incoming.readSeq);
    const unreadCount = Math.max(0, incoming.lastSeq - readSeq);
    const chat = { ...incoming, readSeq, unreadCount, unreadMentionCount: unreadCount === 0 ? 0 : incoming.unreadMentionCount };
    this.rememberPeople([incoming.peer]);
    const chats = [chat, ...this.#state.chats.filter((c) => c.id !== chat.id)].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    this.set({ chats });
  }
}

export const store = new Store();

export function useAppState(): AppState {
  return useSyncExternalStore(store.subscribe, () => store.state);
}
