// The platform client of this tab (api-client.ts), and what keeps the signed-in state current: the user,
// the chat list and the hub socket (incoming calls, chat-list changes).
import { type Call, type Chat, type GroupCall, LocalSessionStorage, type LiveSocket, ok, type Person } from "../../client";
import { platform } from "./api-client";
import { calls } from "./call-controller";
import { groupCalls } from "./group-call-controller";
import { forgetSubscription, resumeNotifications } from "./notifications";
import { forgetDevice, refillKeyPackages, startDevice } from "./e2ee/device";
import { EncryptedChat, loadPreviews } from "./e2ee/encrypted-chat";
import { installEncryptedCallKeys } from "./e2ee/call-keys";
import { type User, store } from "./store";

export { platform };

let hub: LiveSocket | null = null;

type FrameListener = (frame: { type: string; [key: string]: unknown }) => void;
const frameListeners = new Set<FrameListener>();

/** Hears every hub frame (a screen's own kinds, e.g. `video.updated`); returns the way to stop. */
export function onHubFrame(listener: FrameListener): () => void {
  frameListeners.add(listener);
  return () => frameListeners.delete(listener);
}

installEncryptedCallKeys();

platform.onSignedOut((reason) => {
  hub?.stop();
  hub = null;
  calls.reset();
  groupCalls.reset();
  // The session's MLS device and what it decrypted go with it (docs/e2ee.md).
  EncryptedChat.closeAll();
  void forgetDevice();
  store.set({
    phase: "signed-out",
    me: null,
    chats: [],
    ringing: null,
    notice: reason === "token_reused" || reason === "session_ended" ? "Your session ended. Please sign in again." : null,
  });
});

// Another tab signed in or out: follow it.
addEventListener("storage", (event) => {
  if (event.key !== "edge-platform.session") return;
  if (event.newValue === null && platform.session.signedIn) platform.session.signOut("logged_out");
  else if (event.newValue && store.state.phase === "signed-out") void restoreSession();
});

/** On page load: a stored session is used as it is (refreshed first if it is about to expire). */
export async function restoreSession(): Promise<void> {
  if (!platform.session.signedIn && !new LocalSessionStorage(localStorage).load()) {
    store.set({ phase: "signed-out" });
    // No session here (it ended while the app was closed): an MLS device an earlier one left goes too.
    void forgetDevice();
    return;
  }
  try {
    const { user } = await ok(platform.api.v1.me.$get());
    await enterApp(user as User, { freshSession: false });
  } catch {
    if (!platform.session.signedIn) store.set({ phase: "signed-out" });
    else store.set({ phase: "signed-out", notice: "Could not reach the server. Try again." });
  }
}

/**
 * Signed in: the app, the session's MLS device for encrypted chats, the chat list and the hub.
 * `freshSession`: the user just signed in here (not a reload of a live session), so what an
 * earlier session left of end-to-end encryption in this browser is dropped first.
 */
export async function enterApp(user: User, options: { freshSession: boolean } = { freshSession: true }): Promise<void> {
  store.set({ phase: "signed-in", me: user, notice: null });
  void startDevice(user, options).catch(() => undefined);
  await refreshChats();
  startHub();
  void resumeNotifications();
}

export async function refreshChats(): Promise<void> {
  const chats: Chat[] = [];
  const since = store.chatUpdates;
  let cursor: string | undefined;
  do {
    const page = await ok(platform.api.v1.chats.$get({ query: cursor ? { cursor, limit: "100" } : { limit: "100" } }));
    chats.push(...(page.items as Chat[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  store.replaceChats(chats, since);
  const encrypted = chats.filter((chat) => chat.encrypted);
  void loadPreviews(encrypted.map((chat) => ({ id: chat.id, lastMessageId: chat.lastMessage?.id })))
    .catch(() => undefined)
    .then(() => {
      // Unread encrypted chats whose last message this device has not read yet: a few are read now, for their previews.
      const unread = encrypted.filter((c) => c.unreadCount > 0 && c.lastMessage && store.state.e2eePreviews[c.lastMessage.id] === undefined);
      for (const chat of unread.slice(0, 5)) EncryptedChat.for(chat.id).readInBackground();
    });
}

/** A new message in an encrypted chat that is not on screen: its preview comes from this device (the server has ciphertext). */
function previewEncryptedChat(chat: Chat): void {
  const last = chat.lastMessage;
  if (!chat.encrypted || !last || last.deletedAt) return;
  void loadPreviews([{ id: chat.id, lastMessageId: last.id }])
    .catch(() => undefined)
    .then(() => {
      const route = store.state.route;
      const open = route.name === "chat" && route.chatId === chat.id;
      if (!open && store.state.e2eePreviews[last.id] === undefined) EncryptedChat.for(chat.id).readInBackground();
    });
}

function startHub(): void {
  hub?.stop();
  hub = platform.hub(
    (frame) => {
      if (frame.type === "hello") {
        // Reconnected: the list may have changed while away, and a call may be ringing; key packages may have been spent meanwhile.
        void refreshChats();
        void calls.recoverRinging();
        refillKeyPackages();
      } else if (frame.type === "chat.updated") {
        const chat = frame.chat as Chat;
        store.upsertChat(chat);
        previewEncryptedChat(chat);
      } else if (frame.type === "person.updated") {
        // A name changed: every place that shows it reads the store; this user's own, on another device, too.
        const person = frame.person as Person;
        store.rememberPeople([person]);
        const me = store.state.me;
        if (me && person.id === me.id) store.set({ me: { ...me, displayName: person.displayName } });
        store.set({ chats: store.state.chats.map((chat) => (chat.peer?.id === person.id ? { ...chat, peer: person } : chat)) });
      } else if (frame.type === "call.incoming") calls.incoming(frame.call as Call);
      else if (frame.type === "call.state") calls.stateChanged(frame.call as Call);
      else if (frame.type === "group_call.incoming" || frame.type === "group_call.state") groupCalls.hubFrame(frame.type, frame.call as GroupCall);
      for (const listener of frameListeners) listener(frame as { type: string } & Record<string, unknown>);
    },
    (state) => store.set({ live: state === "open" ? "open" : state === "connecting" ? "connecting" : "offline" }),
  );
  hub.start();
}

addEventListener("online", () => hub?.reconnectNow());
addEventListener("offline", () => hub?.reconnectNow());

export async function signOut(): Promise<void> {
  await forgetSubscription();
  await platform.logout();
}
