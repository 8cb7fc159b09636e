// "Forward" in a message's menu: pick one of your chats, and the message goes there with its files
// and a "Forwarded from <name>" line (POST /v1/chats/{id}/messages/{messageId}/forward).
import { useState } from "hono/jsx/dom";
import { type Chat, type Message, newClientId, ok } from "../../client";
import { Avatar } from "./chat-list";
import { chatTitle } from "./format";
import { platform } from "./platform";
import { problemText } from "./problem-text";
import { navigate } from "./router";
import { useAppState } from "./store";
import { ProblemNote } from "./problem-note";
import { ModalDialog } from "./modal-dialog";

export function ForwardDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const { me, chats } = useAppState();
  const [query, setQuery] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One clientId per dialog (the target room keeps it per sender): a second click on the same chat after a lost answer is the same forward.
  const [clientId] = useState(newClientId);
  const shown = chats.filter((chat) => chatTitle(chat, me).toLowerCase().includes(query.trim().toLowerCase()));
  const forwardTo = async (chat: Chat) => {
    setBusy(true);
    setError(null);
    try {
      await ok(
        platform.api.v1.chats[":id"].messages[":messageId"].forward.$post({
          param: { id: message.chatId, messageId: message.id },
          json: { toChatId: chat.id, clientId },
        }),
      );
      onClose();
      navigate({ name: "chat", chatId: chat.id });
    } catch (caught) {
      setError(problemText(caught, "Could not forward the message."));
      setBusy(false);
    }
  };
  return (
    <ModalDialog label="Forward to" testId="forward-dialog" onClose={onClose}>
      <div class="row between">
        <h2>Forward to…</h2>
        <button type="button" class="secondary small" onClick={onClose}>
          Cancel
        </button>
      </div>
      <input
        type="search"
        value={query}
        placeholder="Search your chats"
        aria-label="Search your chats"
        autocomplete="off"
        onInput={(e: Event) => setQuery((e.target as HTMLInputElement).value)}
      />
      <ul class="people-list" aria-label="Your chats">
        {shown.map((chat) => (
          <li key={chat.id}>
            <button type="button" class="person-item" data-chat-id={chat.id} disabled={busy} onClick={() => void forwardTo(chat)}>
              <Avatar label={chatTitle(chat, me)} colourKey={chat.id} size={32} src={chat.peer?.avatarUrl ?? null} />
              <span>{chatTitle(chat, me)}</span>
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p class="muted">No chat by that name.</p>}
      <ProblemNote text={error} />
    </ModalDialog>
  );
}
