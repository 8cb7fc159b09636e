// Replies, mentions and pins in an open chat (docs/chat.md, "Replies, mentions and pins"): the
// quote above a reply, mentions drawn in the text and offered after "@", and the pinned bar.
import { useState } from "hono/jsx/dom";
import { type Chat, type Message, ok, type Pin, type Quote } from "../../client";
import { personLabel } from "./format";
import { platform } from "./platform";
import { store, type User } from "./store";

/** Brings a message of the list into view and flashes it (a quote or a pin was clicked). */
export function showMessage(seq: number): void {
  const row = document.querySelector<HTMLElement>(`[data-testid="message"][data-seq="${seq}"]`);
  if (!row) {
    store.set({ notice: "That message is further back: scroll up to load it." });
    return;
  }
  row.scrollIntoView({ block: "center", behavior: "smooth" });
  row.classList.add("flash");
  setTimeout(() => row.classList.remove("flash"), 1600);
}

/** The original a reply answers, as it is now. */
export function QuoteBlock({ quote, me }: { quote: Quote; me: User | null }) {
  const text = quote.deletedAt ? "Message deleted" : quote.text || (quote.hasAttachments ? "Attachment" : "");
  return (
    // The name a screen reader says is the words shown (axe: label-content-name-mismatch), with "Reply to" around them.
    <button type="button" class="quote" data-testid="quote" onClick={() => showMessage(quote.seq)}>
      <span class="visually-hidden">Reply to </span>
      <strong>{personLabel(quote.senderId, me)}</strong>
      <span class="visually-hidden">: </span>
      <span class={quote.deletedAt ? "muted quote-text" : "quote-text"}>{text}</span>
    </button>
  );
}

/** The text with each mentioned member's `@Name` drawn as a mention (yours stands out). */
export function MessageText({ message, me }: { message: Message; me: User | null }) {
  if (message.mentions.length === 0) return <span class="text">{message.text}</span>;
  const names = message.mentions
    .map((id) => ({ id, name: `@${personLabel(id, me)}` }))
    .filter((m) => m.name.length > 2)
    .sort((a, b) => b.name.length - a.name.length);
  const parts: (string | { id: string; name: string })[] = [];
  let rest = message.text;
  while (rest.length > 0) {
    let at = -1;
    let found: { id: string; name: string } | undefined;
    for (const mention of names) {
      const index = rest.indexOf(mention.name);
      if (index >= 0 && (at < 0 || index < at)) {
        at = index;
        found = mention;
      }
    }
    if (!found) {
      parts.push(rest);
      break;
    }
    if (at > 0) parts.push(rest.slice(0, at));
    parts.push(found);
    rest = rest.slice(at + found.name.length);
  }
  return (
    <span class="text">
      {parts.map((part) =>
        typeof part === "string" ? (
          part
        ) : (
          <mark class={part.id === me?.id ? "mention mention-me" : "mention"} data-testid="mention">
            {part.name}
          </mark>
        ),
      )}
    </span>
  );
}

/** Who can be mentioned in this chat: its members (the general chat: the people this tab has met). */
export function mentionCandidates(chat: Chat, me: User | null): { id: string; name: string }[] {
  const ids = chat.memberIds ?? Object.keys(store.state.people);
  return ids
    .filter((id) => id !== me?.id && store.state.people[id] !== null)
    .map((id) => ({ id, name: personLabel(id, me) }))
    .filter((c) => c.name !== "…");
}

/** The word after "@" the caret is in, if any: what the suggestions filter by. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,30})$/u.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]!.toLowerCase() };
}

export function MentionSuggestions({
  candidates,
  active,
  onPick,
}: {
  candidates: { id: string; name: string }[];
  active: number;
  onPick: (candidate: { id: string; name: string }) => void;
}) {
  if (candidates.length === 0) return null;
  return (
    <fieldset class="mention-suggestions" aria-label="People to mention" data-testid="mention-suggestions">
      {candidates.map((candidate, index) => (
        <button
          type="button"
          class={index === active ? "plain active" : "plain"}
          aria-current={index === active ? "true" : undefined}
          onMouseDown={(event: MouseEvent) => {
            // Keep the composer's focus (and caret) while picking.
            event.preventDefault();
            onPick(candidate);
          }}
        >
          @{candidate.name}
        </button>
      ))}
    </fieldset>
  );
}

/** What the composer's reply banner shows while a reply is being written. */
export function ReplyBanner({ message, me, onCancel }: { message: Message; me: User | null; onCancel: () => void }) {
  return (
    <div class="reply-banner" data-testid="reply-banner">
      <div class="reply-banner-text">
        <span class="muted small">Replying to {personLabel(message.senderId, me)}</span>
        <span class="quote-text">{message.text}</span>
      </div>
      <button type="button" class="icon-button" aria-label="Cancel the reply" onClick={onCancel}>
        ✕
      </button>
    </div>
  );
}

export async function pinMessage(chatId: string, messageId: string): Promise<void> {
  await ok(platform.api.v1.chats[":id"].pins.$post({ param: { id: chatId }, json: { messageId } })).catch((error: unknown) =>
    store.showError(error, "Could not pin the message"),
  );
}

export async function unpinMessage(chatId: string, messageId: string): Promise<void> {
  await ok(platform.api.v1.chats[":id"].pins[":messageId"].$delete({ param: { id: chatId, messageId } })).catch((error: unknown) =>
    store.showError(error, "Could not unpin the message"),
  );
}

export async function loadPins(chatId: string): Promise<Pin[]> {
  const list = await ok(platform.api.v1.chats[":id"].pins.$get({ param: { id: chatId } }));
  store.rememberPeople(list.people);
  return list.items as Pin[];
}

/** A pin, drawn (an emoji needs a font the system may not have). */
export function PinIcon() {
  return (
    <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" class="pin-icon">
      <path fill="currentColor" d="M15 3l6 6-2 1-3 3 1 5-2 2-4-4-5 5-1-1 5-5-4-4 2-2 5 1 3-3z" />
    </svg>
  );
}

/** The newest pin under the header; a click shows it in the list, the arrow steps to the older ones. */
export function PinnedBar({ chatId, pins, me }: { chatId: string; pins: Pin[]; me: User | null }) {
  const [index, setIndex] = useState(0);
  if (pins.length === 0) return null;
  const shown = pins[Math.min(index, pins.length - 1)]!;
  const text = shown.message.text || (shown.message.attachments.length > 0 ? "Attachment" : "");
  return (
    <div class="pinned-bar" data-testid="pinned-bar">
      <button type="button" class="plain pinned-text" onClick={() => showMessage(shown.message.seq)}>
        <span class="pinned-label">
          <PinIcon /> Pinned{pins.length > 1 ? ` ${Math.min(index, pins.length - 1) + 1} of ${pins.length}` : ""} · {personLabel(shown.message.senderId, me)}
        </span>
        <span class="quote-text">{text}</span>
      </button>
      {pins.length > 1 && (
        <button type="button" class="icon-button" aria-label="Next pinned message" onClick={() => setIndex((index + 1) % pins.length)}>
          ↓
        </button>
      )}
      <button type="button" class="icon-button" aria-label="Unpin" title="Unpin" onClick={() => void unpinMessage(chatId, shown.message.id)}>
        ✕
      </button>
    </div>
  );
}
