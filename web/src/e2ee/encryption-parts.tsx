// What an encrypted chat says on screen (docs/e2ee.md, "What a user sees"): the lock mark, where
// this device stands in the chat's encryption, what a new device will and will not see, and the
// words for a message this device cannot read.
import { useEffect, useState } from "hono/jsx/dom";
import { type Chat, ok } from "../../../client";
import { platform } from "../platform";
import { clockTime, personLabel } from "../format";
import { problemText } from "../problem-text";
import { store } from "../store";
import type { EncryptedChat } from "./encrypted-chat";

export { unreadableWords } from "./message-content";

/** A closed padlock (drawn: an emoji needs a font the system may not have). */
export function LockIcon() {
  return (
    <svg class="lock-icon" viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1Zm2 0h6V7a3 3 0 0 0-6 0v3Z" />
    </svg>
  );
}

/** The chat list's mark of an encrypted chat: the padlock, and the words for those who do not see it. */
export function EncryptedMark() {
  return (
    <span class="chat-lock" title="End-to-end encrypted" data-testid="e2ee-list-mark">
      <LockIcon />
      <span class="visually-hidden">End-to-end encrypted</span>
    </span>
  );
}

function joinedOn(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString()
    ? `today at ${clockTime(iso)}`
    : date.toLocaleDateString([], { month: "long", day: "numeric", year: "numeric" });
}

/** Above an encrypted chat's messages: setting up, waiting to be added, or what this device reads now that it joined late. */
export function EncryptionNotices({ encryption }: { encryption: EncryptedChat }) {
  const [, setTick] = useState(0);
  useEffect(() => encryption.onChange(() => setTick((t) => t + 1)), [encryption]);
  if (encryption.status === "starting")
    return (
      <p class="banner e2ee-banner" role="status" data-testid="e2ee-status" data-status="starting">
        Setting up end-to-end encryption on this device…
      </p>
    );
  if (encryption.status === "waiting")
    return (
      <p class="banner e2ee-banner" role="status" data-testid="e2ee-status" data-status="waiting">
        This device is not in the chat's encryption yet. Another member's device adds it as soon as one is online; you read the messages sent from then on.
      </p>
    );
  if (encryption.status === "unavailable")
    return (
      <p class="banner e2ee-banner" role="status" data-testid="e2ee-status" data-status="unavailable">
        End-to-end encryption could not start in this browser, so this chat cannot be read here. Sign out and sign in again to try once more.
      </p>
    );
  const withoutDevice = encryption.membersWithoutDevice;
  const joinedLate = encryption.joinedAfterMessages && encryption.joinedAt;
  if (withoutDevice.length === 0 && !joinedLate) return null;
  return (
    <>
      {joinedLate && (
        <div class="e2ee-new-device" role="note" data-testid="e2ee-new-device">
          <strong>This device joined this chat {joinedOn(encryption.joinedAt!)}.</strong>
          <span>
            It reads the messages sent from then on. Earlier messages stay locked here: their keys were never on this device. If you set up a key backup, restoring
            it on this device shows them.
          </span>
        </div>
      )}
      {withoutDevice.length > 0 && <MembersWithoutDevice userIds={withoutDevice} />}
    </>
  );
}

/**
 * Members who have no device for end-to-end encryption yet: what is sent before they open the app
 * stays locked for them, so the sender knows before sending rather than hearing it later.
 */
function MembersWithoutDevice({ userIds }: { userIds: readonly string[] }) {
  const me = store.state.me;
  const names = userIds.map((id) => personLabel(id, me));
  const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return (
    <p class="banner e2ee-banner" role="note" data-testid="e2ee-members-without-device">
      {who} {names.length === 1 ? "has" : "have"} no device that can read this chat yet. Messages sent now stay locked for them; once they open the app, they
      read what is sent from then on.
    </p>
  );
}

/**
 * May this person turn on end-to-end encryption in `chat` (`POST /v1/chats/{id}/encryption`)?
 * Either member of a direct chat, a group's owner; never the general chat, never twice.
 */
export function mayTurnOnEncryption(chat: Chat, meId: string | undefined): boolean {
  if (chat.encrypted || !meId) return false;
  return chat.type === "direct" || (chat.type === "group" && chat.ownerId === meId);
}

/** Turns on end-to-end encryption in a plain chat, once the person agreed to what it does and does not change. */
export async function turnOnEncryptionAfterConfirming(chat: Chat, done: () => void): Promise<void> {
  const agreed = confirm(
    "Turn on end-to-end encryption? From now on only the members' devices can read new messages, files and calls. Earlier messages stay as they are: readable by the members and by the server. This cannot be turned off.",
  );
  if (!agreed) return;
  try {
    store.upsertChat(await ok(platform.api.v1.chats[":id"].encryption.$post({ param: { id: chat.id } })));
    done();
  } catch (caught) {
    store.set({ notice: problemText(caught, "Could not turn on end-to-end encryption") });
  }
}

/** In a chat that turned encryption on later: the line between the earlier, plain messages and the encrypted ones. */
export function EncryptedFromLine({ at }: { at: string }) {
  return (
    <div class="encrypted-from" role="note" data-testid="e2ee-encrypted-from">
      <span>
        <LockIcon /> Messages from here on are end-to-end encrypted (since {joinedOn(at)}). Earlier messages stay readable by the server.
      </span>
    </div>
  );
}
