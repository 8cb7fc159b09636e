import { useEffect, useRef, useState } from "hono/jsx/dom";
import { type Chat, ok, type Person, ProblemError } from "../../client";
import { avatarColour, chatTitle, directPeer, initials, listTime, personLabel } from "./format";
import { platform } from "./platform";
import { navigate } from "./router";
import { store, useAppState } from "./store";
import { problemText } from "./problem-text";
import { ChatsPicture } from "./illustrations";
import { EncryptedMark } from "./e2ee/encryption-parts";
import { CopyButton } from "./copy-button";
import { ProblemNote } from "./problem-note";
import { ModalDialog } from "./modal-dialog";

const KIND_LABEL: Record<Chat["type"], string> = { direct: "Direct chat", group: "Group", general: "Everyone's chat" };
// A person for a direct chat, two for a group, a globe for the chat of everyone in the deployment.
const KIND_ICON: Record<Chat["type"], string> = {
  direct: "M12 12a4 4 0 100-8 4 4 0 000 8zm-7 8a7 7 0 0114 0",
  group: "M9 11a3.5 3.5 0 100-7 3.5 3.5 0 000 7zm-6 9a6 6 0 0112 0M16 11a3 3 0 100-6M17 14a5 5 0 014 6",
  general: "M12 21a9 9 0 100-18 9 9 0 000 18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z",
};

/** Says whether a chat is a group, a direct chat or everyone's chat: an icon with that name for screen readers and a tooltip. */
export function ChatKind({ type }: { type: Chat["type"] }) {
  return (
    <span class={`chat-kind chat-kind-${type}`} role="img" aria-label={KIND_LABEL[type]} title={KIND_LABEL[type]} data-testid="chat-kind" data-kind={type}>
      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">
        <path d={KIND_ICON[type]} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
    </span>
  );
}

export function Avatar({ label, colourKey, size = 40, src }: { label: string; colourKey: string; size?: number; src?: string | null }) {
  if (src) return <img class="avatar" src={src} alt="" width={size} height={size} style={{ width: `${size}px`, height: `${size}px` }} />;
  return (
    <span
      class="avatar"
      style={{ background: avatarColour(colourKey), width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.4)}px` }}
      aria-hidden="true"
      data-initials={initials(label)}
    />
  );
}

export function ChatList() {
  const { chats, me, route, e2eePreviews } = useAppState();
  const selected = route.name === "chat" ? route.chatId : null;
  if (chats.length === 0)
    return (
      <div class="empty-block" data-testid="chats-empty">
        <ChatsPicture />
        <p>
          <strong>No chats yet.</strong>
        </p>
        <p class="small">Start one with "New chat", where you can also invite your family.</p>
      </div>
    );
  return (
    <ul class="chat-list" aria-label="Chats">
      {chats.map((chat: Chat) => {
        const title = chatTitle(chat, me);
        const last = chat.lastMessage;
        // An encrypted chat's last message is ciphertext to the server: its words come from what this device read.
        const text = last && chat.encrypted ? (e2eePreviews[last.id] ?? "Encrypted message") : (last?.text ?? "");
        const preview = last
          ? last.deletedAt
            ? "Message deleted"
            : `${last.senderId === me?.id ? "You: " : chat.type === "direct" ? "" : `${personLabel(last.senderId, me)}: `}${text}`
          : "No messages yet";
        return (
          <li key={chat.id}>
            <a href={`/app/chats/${encodeURIComponent(chat.id)}`} class={chat.id === selected ? "chat-item selected" : "chat-item"} data-chat-id={chat.id}>
              <Avatar label={title} colourKey={directPeer(chat, me) ?? chat.id} src={chat.peer?.avatarUrl} />
              <span class="chat-item-body">
                <span class="chat-item-top">
                  <ChatKind type={chat.type} />
                  {chat.encrypted && <EncryptedMark />}
                  <span class="chat-item-title">{title}</span>
                  {last && <time class="chat-item-time">{listTime(last.createdAt)}</time>}
                </span>
                <span class="chat-item-bottom">
                  <span class="chat-item-preview">{preview}</span>
                  {chat.activeCall && (
                    <span
                      class="badge call-badge"
                      data-testid="call-badge"
                      title={`In the call: ${chat.activeCall.participants.map((p) => p.displayName).join(", ") || "nobody yet"}`}
                      aria-label={`A call is running, ${chat.activeCall.participants.length} in it`}
                    >
                      Call · {chat.activeCall.participants.length}
                    </span>
                  )}
                  {chat.unreadMentionCount > 0 && (
                    <span class="badge mention-badge" aria-label={`${chat.unreadMentionCount} unread mentions of you`} data-testid="mention-badge">
                      @
                    </span>
                  )}
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

/** New chat: find a person by name among those you may reach (GET /v1/people) and start a direct chat. */
export function NewChatDialog({ onClose, onNewGroup }: { onClose: () => void; onNewGroup: () => void }) {
  const { me } = useAppState();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Person[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const searched = useRef(0);

  const search = async (q: string) => {
    const ticket = ++searched.current;
    try {
      const page = await ok(platform.api.v1.people.$get({ query: q.trim() ? { q: q.trim(), limit: "20" } : { limit: "20" } }));
      if (ticket !== searched.current) return;
      store.rememberPeople(page.items);
      setFound(page.items);
      setError(null);
    } catch (caught) {
      if (ticket === searched.current) setError(problemText(caught, "Could not search."));
    }
  };
  useEffect(() => {
    void search("");
  }, []);

  const start = async (userId: string) => {
    try {
      // A direct chat started in the app is end-to-end encrypted (docs/e2ee.md); one that exists already stays as it is.
      const chat = await ok(platform.api.v1.chats.$post({ json: { type: "direct", userId, encrypted: true } }));
      store.upsertChat(chat as Chat);
      onClose();
      navigate({ name: "chat", chatId: chat.id });
    } catch (caught) {
      setError(
        caught instanceof ProblemError && (caught.status === 404 || caught.status === 400)
          ? "No one has that ID."
          : problemText(caught, "Could not start the chat."),
      );
    }
  };
  const startById = (event: Event) => {
    event.preventDefault();
    const userId = String(new FormData(event.target as HTMLFormElement).get("userId") ?? "").trim();
    if (userId) void start(userId);
  };
  return (
    <ModalDialog label="New chat" onClose={onClose}>
      <div class="row between">
        <h2>New chat</h2>
        <button type="button" class="secondary small" onClick={onNewGroup}>
          New group
        </button>
      </div>
      <input
        type="search"
        name="q"
        value={query}
        placeholder="Search people by name"
        aria-label="Search people by name"
        autocomplete="off"
        onInput={(e: Event) => {
          const q = (e.target as HTMLInputElement).value;
          setQuery(q);
          void search(q);
        }}
      />
      <ul class="people-list" aria-label="People">
        {(found ?? []).map((person) => (
          <li key={person.id}>
            <button type="button" class="person-item" data-person-id={person.id} onClick={() => void start(person.id)}>
              <Avatar label={person.displayName} colourKey={person.id} size={32} src={person.avatarUrl} />
              <span>{person.displayName}</span>
            </button>
          </li>
        ))}
      </ul>
      {found && found.length === 0 && (
        <p class="muted" data-testid="people-empty">
          {query.trim() ? "Nobody by that name." : "Nobody to show yet: people appear here once you share a chat, or everyone in an invite-only family."}
        </p>
      )}
      <ProblemNote text={error} />
      <InviteLink />
      <details class="share-id">
        <summary>Meet someone new by ID</summary>
        <p class="muted">Share your ID with them, or paste theirs.</p>
        <div class="my-id">
          <code data-testid="my-id">{me?.id}</code>
          <CopyButton text={me?.id ?? ""} />
        </div>
        <form onSubmit={startById} class="row">
          <input name="userId" autocomplete="off" placeholder="Their ID" aria-label="Their ID" />
          <button type="submit" class="secondary">
            Start chat
          </button>
        </form>
      </details>
      <div class="row end">
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}

/** Invite someone who has no account yet: a link (POST /v1/invites) that opens the sign-up with its code. */
function InviteLink() {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    try {
      const invite = await ok(platform.api.v1.invites.$post({ json: { maxUses: 1 } }));
      setLink(invite.url);
      setError(null);
    } catch (caught) {
      setError(
        caught instanceof ProblemError && caught.code === "invites_admins_only"
          ? "Only admins invite people here."
          : problemText(caught, "Could not create a link."),
      );
    }
  };
  return (
    <div class="invite-link">
      {link ? (
        <div class="my-id">
          <code data-testid="invite-url">{link}</code>
          <CopyButton text={link} />
        </div>
      ) : (
        <button type="button" class="secondary" onClick={() => void create()}>
          Invite someone to join
        </button>
      )}
      {link && <p class="muted">Send this link: it signs one person up, and expires in a week.</p>}
      <ProblemNote text={error} />
    </div>
  );
}
