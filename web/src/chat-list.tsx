import { useState } from "hono/jsx/dom";
import { type Chat, ok, ProblemError } from "../../client";
import { avatarColour, chatTitle, directPeer, initials, listTime, personLabel } from "./format";
import { platform } from "./platform";
import { navigate, store, useAppState } from "./store";

export function Avatar({ label, colourKey, size = 40 }: { label: string; colourKey: string; size?: number }) {
  return (
    <span class="avatar" style={{ background: avatarColour(colourKey), width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.4)}px` }} aria-hidden="true">
      {initials(label)}
    </span>
  );
}

export function ChatList() {
  const { chats, me, route } = useAppState();
  const selected = route.name === "chat" ? route.chatId : null;
  if (chats.length === 0) return <p class="empty">No chats yet.</p>;
  return (
    <ul class="chat-list" aria-label="Chats">
      {chats.map((chat: Chat) => {
        const title = chatTitle(chat, me);
        const last = chat.lastMessage;
        const preview = last ? (last.deletedAt ? "Message deleted" : `${last.senderId === me?.id ? "You: " : chat.type === "direct" ? "" : `${personLabel(last.senderId, me)}: `}${last.text}`) : "No messages yet";
        return (
          <li key={chat.id}>
            <a href={`#/chats/${encodeURIComponent(chat.id)}`} class={chat.id === selected ? "chat-item selected" : "chat-item"} data-chat-id={chat.id}>
              <Avatar label={title} colourKey={directPeer(chat, me) ?? chat.id} />
              <span class="chat-item-body">
                <span class="chat-item-top">
                  <span class="chat-item-title">{title}</span>
                  {last && <time class="chat-item-time">{listTime(last.createdAt)}</time>}
                </span>
                <span class="chat-item-bottom">
                  <span class="chat-item-preview">{preview}</span>
                  {chat.unreadCount > 0 && (
                    <span class="badge" aria-label={`${chat.unreadCount} unread`}>
                      {chat.unreadCount > 99 ? "99+" : chat.unreadCount}
                    </span>
                  )}
                </span>
              </span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

export function NewChatDialog({ onClose }: { onClose: () => void }) {
  const { me } = useAppState();
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const start = async (event: Event) => {
    event.preventDefault();
    const userId = String(new FormData(event.target as HTMLFormElement).get("userId") ?? "").trim();
    try {
      const chat = await ok(platform.api.v1.chats.$post({ json: { type: "direct", userId } }));
      store.upsertChat(chat as Chat);
      onClose();
      navigate({ name: "chat", chatId: chat.id });
    } catch (caught) {
      setError(caught instanceof ProblemError && caught.status === 404 ? "No one has that ID." : caught instanceof Error ? caught.message : "Could not start the chat");
    }
  };
  const copy = async () => {
    await navigator.clipboard?.writeText(me?.id ?? "").catch(() => undefined);
    setCopied(true);
  };
  return (
    <div class="dialog-backdrop" onClick={(e: Event) => e.target === e.currentTarget && onClose()}>
      <div class="dialog" role="dialog" aria-label="New chat">
        <h2>New chat</h2>
        <p class="muted">Ask the other person for their ID (they find it under their name), or share yours.</p>
        <div class="my-id">
          <code data-testid="my-id">{me?.id}</code>
          <button type="button" class="secondary small" onClick={copy}>
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
        <form onSubmit={start} class="stack">
          <label>
            Their ID
            <input name="userId" required autocomplete="off" placeholder="0190…" />
          </label>
          {error && <p class="error" role="alert">{error}</p>}
          <div class="row end">
            <button type="button" class="secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Start chat
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
