import { useEffect, useRef, useState } from "hono/jsx/dom";
import { type LiveSocketState, type Message, ok, type PendingMessage, type Pin } from "../../client";
import { ACCEPTED_TYPES, DraftTray, DraftUploads, MAX_ATTACHMENTS, MessageAttachments, PaperclipIcon } from "./attachments";
import { calls } from "./call-controller";
import { HelloPicture } from "./illustrations";
import { ChatBell } from "./chat-bell";
import { Avatar } from "./chat-list";
import { chatTitle, clockTime, directPeer, personLabel } from "./format";
import {
  loadPins,
  MentionSuggestions,
  MessageText,
  mentionCandidates,
  mentionQuery,
  PinIcon,
  PinnedBar,
  pinMessage,
  QuoteBlock,
  ReplyBanner,
  unpinMessage,
} from "./conversation-parts";
import { deleteChatAfterConfirming, GroupInfoDialog } from "./group-dialogs";
import { ForwardDialog } from "./forward-dialog";
import { GroupCallButton } from "./group-call-screen";
import { filesCaption, isFilesCaption, type RecorderControls, VoiceRecorder } from "./voice-recorder";
import { EncryptedChat, type MessageContent } from "./e2ee/encrypted-chat";
import { EncryptedAttachments, encryptedFileKey } from "./e2ee/encrypted-files";
import { EncryptedFromLine, EncryptionNotices, LockIcon, mayTurnOnEncryption, turnOnEncryptionAfterConfirming, unreadableWords } from "./e2ee/encryption-parts";
import { DeviceChangeNotice } from "./e2ee/verification";
import { platform } from "./platform";
import { navigate } from "./router";
import { store, useAppState } from "./store";
import { useDismiss } from "./dismiss";

const TYPING_SHOWN_MS = 3500;
const TYPING_SENT_EVERY_MS = 2000;

/**
 * The chat room open in this tab: the chat on screen, with its socket. Owned by the route, not by
 * the view's effects: hono/jsx runs an effect again when it changes state, without cleaning up the
 * run before, and a room nobody closed held a socket and marked messages read after its view was
 * gone. So a view asks for the room of its chat (the same one every render), and the room closes
 * when the route leaves that chat or the user signs out.
 */
interface LiveRoom {
  chatId: string;
  room: ReturnType<typeof platform.chat>;
  /** An encrypted chat's encryption (its socket is the room's); null for a plain chat, or one not known yet. */
  encryption: EncryptedChat | null;
  state: LiveSocketState;
  pins: Pin[];
  /** The newest seq this tab told the room it read. */
  readSent: number;
  /** Where "New messages" goes: the first message unread when the chat was opened (null: none). */
  unreadFrom: number | null;
  /** The view showing the room now. */
  view: { change?: () => void; typing?: (userId: string) => void; message?: (message: Message) => void };
  close(): void;
  /** The chat left the screen: the room closes once what was sent from it is acknowledged. */
  retire(): void;
}

/** How long a room that left the screen waits for its sends to be acknowledged. */
const RETIRED_ROOM_GRACE_MS = 30_000;

let liveRoom: LiveRoom | null = null;
const watchedScrollers = new WeakSet<HTMLElement>();

function liveRoomFor(chatId: string, selfId: string | undefined): LiveRoom {
  const opened = store.state.chats.find((c) => c.id === chatId);
  // A room opened before the chat list said the chat is encrypted (a link opened on load) is opened again, encrypted.
  if (liveRoom?.chatId === chatId && !(opened?.encrypted && !liveRoom.encryption)) return liveRoom;
  if (liveRoom?.chatId === chatId) liveRoom.close();
  liveRoom?.retire();
  const redraw = () => current.view.change?.();
  const encryption = opened?.encrypted ? EncryptedChat.for(chatId) : null;
  const room = platform.chat(
    chatId,
    {
      change: redraw,
      typing: (userId) => current.view.typing?.(userId),
      message: (message) => current.view.message?.(message),
      state: (state) => {
        current.state = state;
        encryption?.socketState(state);
        redraw();
      },
      people: (people) => store.rememberPeople(people),
      pinned: (pin) => {
        current.pins = [pin, ...current.pins.filter((p) => p.message.id !== pin.message.id)];
        redraw();
      },
      unpinned: (messageId) => {
        current.pins = current.pins.filter((p) => p.message.id !== messageId);
        redraw();
      },
    },
    {
      selfId,
      // An encrypted chat opens messages before the channel shows them, and seals what it sends.
      ...(encryption
        ? {
            intercept: (frame, deliver) => encryption.intercept(frame, deliver),
            transmit: (pending) => encryption.transmit(pending),
            discard: (clientId) => encryption.discard(clientId),
          }
        : {}),
    },
  );
  encryption?.attach(room.socket);
  const stopHearing = encryption?.onChange(redraw);
  // A socket can outlive the network without noticing: drop it when the browser goes offline, redial when back.
  const redial = () => room.socket.reconnectNow();
  addEventListener("online", redial);
  addEventListener("offline", redial);
  let closed = false;
  const current: LiveRoom = {
    chatId,
    room,
    encryption,
    state: "connecting",
    pins: [],
    readSent: 0,
    unreadFrom: opened && opened.unreadCount > 0 ? opened.readSeq + 1 : null,
    view: {},
    close() {
      closed = true;
      removeEventListener("online", redial);
      removeEventListener("offline", redial);
      room.stop();
      stopHearing?.();
      encryption?.detach(room.socket);
      current.view = {};
      if (liveRoom === current) liveRoom = null;
    },
    retire() {
      if (liveRoom === current) liveRoom = null;
      // A message sent just before leaving the chat is still delivered (nothing typed is lost);
      // no view is left to mark anything read meanwhile.
      const settled = () => room.channel.outbox.every((pending) => pending.status === "failed");
      if (settled()) return current.close();
      current.view = { change: () => settled() && current.close() };
      setTimeout(() => current.close(), RETIRED_ROOM_GRACE_MS);
    },
  };
  liveRoom = current;
  // A room retired before its first page loaded still connects if something was sent from it
  // (a send right after opening a chat, then away: on a busy machine the page took longer than that).
  const start = () => {
    if (!closed) room.start();
  };
  void room.channel.loadInitial().then(start, start);
  void loadPins(chatId).then(
    (pins) => {
      current.pins = pins;
      redraw();
    },
    () => undefined,
  );
  return current;
}

store.subscribe(() => {
  const { route, phase } = store.state;
  if (!liveRoom) return;
  if (phase !== "signed-in") liveRoom.close();
  else if (route.name !== "chat" || route.chatId !== liveRoom.chatId) liveRoom.retire();
});

export function ChatView({ chatId }: { chatId: string }) {
  const { chats, me, call } = useAppState();
  const chat = chats.find((c) => c.id === chatId);
  const [, setTick] = useState(0);
  const [typingUntil, setTypingUntil] = useState<Record<string, number>>({});
  const [loadingOlder, setLoadingOlder] = useState(false);
  const lastChatId = useRef<string | null>(null);
  const scroller = useRef<HTMLDivElement | null>(null);
  const stickToBottom = useRef(true);
  const lastTypingSent = useRef(0);
  const uploadsRef = useRef<DraftUploads | null>(null);
  uploadsRef.current ??= new DraftUploads(() => setTick((t) => t + 1));
  const uploads = uploadsRef.current;
  const fileInput = useRef<HTMLInputElement | null>(null);
  const [dragging, setDragging] = useState(false);
  const [attachNotice, setAttachNotice] = useState<string | null>(null);
  const [groupInfo, setGroupInfo] = useState(false);
  const [searching, setSearching] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  // A search, like the menu, belongs to the chat it was opened in: another chat starts without it.
  useEffect(() => {
    setMoreOpen(false);
    setSearching(false);
  }, [chatId]);
  const header = useRef<HTMLElement | null>(null);
  const moreButton = useRef<HTMLButtonElement | null>(null);
  useDismiss(moreOpen, () => setMoreOpen(false), header, moreButton);
  const recorderControls = useRef<RecorderControls | null>(null);
  const sendWhenUploaded = useRef(false);
  const composerForm = useRef<HTMLFormElement | null>(null);
  // A recording stopped by Send goes out as soon as its upload is done (a failed one stays, to retry or remove).
  useEffect(() => {
    if (!sendWhenUploaded.current || uploads.uploading) return;
    sendWhenUploaded.current = false;
    if (!uploads.failed && uploads.drafts.length > 0) composerForm.current?.requestSubmit();
  });
  // A reply or an edit under way belongs to its chat: shown only while that chat is open.
  const [replyTarget, setReplyingTo] = useState<Message | null>(null);
  const replyingTo = replyTarget?.chatId === chatId ? replyTarget : null;
  const [editTarget, setEditing] = useState<Message | null>(null);
  const editing = editTarget?.chatId === chatId ? editTarget : null;
  const composer = useRef<HTMLTextAreaElement | null>(null);
  /** The "@" word being typed and the suggestion under the keyboard. */
  const [mention, setMention] = useState<{ start: number; query: string; active: number } | null>(null);
  /** `@Name` written from a suggestion, by name: sent as mentions while the text still holds them. */
  const mentioned = useRef(new Map<string, string>());

  const live = liveRoomFor(chatId, me?.id);
  // The room calls into the view that shows it now (hono/jsx keeps the setters of one view).
  live.view.change = () => setTick((t) => t + 1);
  live.view.typing = (userId: string) => {
    if (userId === me?.id) return;
    setTypingUntil((all) => ({ ...all, [userId]: Date.now() + TYPING_SHOWN_MS }));
    setTimeout(() => live.view.change?.(), TYPING_SHOWN_MS + 50);
  };
  // Whoever was typing has sent it.
  live.view.message = (message: Message) => message.senderId && setTypingUntil((all) => ({ ...all, [message.senderId!]: 0 }));
  if (lastChatId.current !== chatId) {
    lastChatId.current = chatId;
    stickToBottom.current = true;
    mentioned.current.clear();
    // Files picked for another chat are not sent to this one.
    if (uploads.drafts.length > 0) queueMicrotask(() => uploads.clear());
  }
  const socketState = live.state;
  const pins = live.pins;
  // The browser knows it is offline before the socket does (a dial can hang for a while without a network).
  const [browserOnline, setBrowserOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setBrowserOnline(navigator.onLine);
    addEventListener("online", update);
    addEventListener("offline", update);
    return () => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
    };
  }, []);

  useEffect(() => {
    // A picture that arrives after the rows were laid out makes the list taller: stay at the newest message.
    const element = scroller.current;
    if (!element || watchedScrollers.has(element)) return;
    watchedScrollers.add(element);
    element.addEventListener(
      "load",
      () => {
        if (stickToBottom.current) element.scrollTop = element.scrollHeight;
      },
      true,
    );
  });

  const channel = live.room.channel;
  const encryption = live.encryption;
  uploads.encrypted = encryption !== null;
  // An encrypted chat's edits and reactions are rows of their own in the log: folded into their messages, not shown.
  const messages = channel.messages.filter((message) => !message.relatesTo).map((message) => (encryption ? encryption.display(message) : message));
  const outbox = channel.outbox;

  // Keep the newest message in view, and tell the room what this user has seen.
  useEffect(() => {
    const element = scroller.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
    if (!chat) return;
    // The hub does not tell a member whose socket is in the room: keep this chat's list entry current here.
    const last = channel.messages.findLast((message) => !message.relatesTo);
    let current = chat;
    if (last && last.seq > chat.lastSeq) {
      const { id, seq, senderId, text, createdAt, deletedAt } = last;
      current = {
        ...chat,
        lastSeq: seq,
        lastMessage: { id, seq, senderId, text, createdAt, deletedAt },
        updatedAt: createdAt,
        unreadCount: Math.max(0, seq - chat.readSeq),
      };
    }
    if (channel.lastSeq > live.readSent && document.visibilityState === "visible" && socketState === "open") {
      live.readSent = channel.lastSeq;
      channel.markRead(channel.lastSeq);
      const unreadCount = Math.max(0, current.lastSeq - channel.lastSeq);
      current = { ...current, readSeq: channel.lastSeq, unreadCount, unreadMentionCount: unreadCount === 0 ? 0 : current.unreadMentionCount };
    }
    if (current !== chat) store.upsertChat(current);
  });

  if (!chat) return <section class="chat-view empty-state">This chat is not in your list.</section>;

  const title = chatTitle(chat, me);
  const peer = directPeer(chat, me);
  const encryptedFrom = chat.encryptedFrom ?? null;
  // An encrypted chat sends once this device is in its group: until then there is no key to seal with.
  const cannotSeal = encryption !== null && (encryption.status === "waiting" || encryption.status === "unavailable");
  const typers = Object.entries(typingUntil)
    .filter(([, until]) => until > Date.now())
    .map(([userId]) => personLabel(userId, me));
  const othersRead = Math.max(0, ...[...channel.readSeqs.entries()].filter(([userId]) => userId !== me?.id).map(([, seq]) => seq));
  const myLastSeen = [...messages].reverse().find((m) => m.senderId === me?.id && m.seq <= othersRead);

  const onScroll = async () => {
    const element = scroller.current;
    if (!element) return;
    stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    if (element.scrollTop < 40 && channel.hasOlder && !loadingOlder) await loadOlder();
  };

  const loadOlder = async () => {
    const element = scroller.current;
    if (!element) return;
    setLoadingOlder(true);
    const before = element.scrollHeight;
    await channel.loadOlder().catch(() => undefined);
    setLoadingOlder(false);
    requestAnimationFrame(() => {
      element.scrollTop += element.scrollHeight - before;
    });
  };

  const send = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    // Send while recording: the recording stops, and the message goes once its file has uploaded.
    if (recorderControls.current?.recording) {
      void recorderControls.current.finish().then((file) => {
        if (!file) return;
        attach([file]);
        sendWhenUploaded.current = true;
      });
      return;
    }
    const input = form.elements.namedItem("text") as HTMLTextAreaElement;
    if (editing) {
      const text = input.value.trim();
      if (!text) return;
      const target = editing;
      setEditing(null);
      input.value = "";
      if (text !== target.text) void editMessage(chatId, target.id, text, encryption);
      return;
    }
    if (uploads.uploading || uploads.failed) return;
    const hasFiles = uploads.drafts.length > 0;
    // A message needs text: files sent without a caption are named by their names.
    const text = input.value.trim() || (hasFiles ? filesCaption(uploads.drafts.map((draft) => draft.name)) : "");
    if (!text) return;
    stickToBottom.current = true;
    const mentions = [...mentioned.current].filter(([name]) => text.includes(`@${name}`)).map(([, id]) => id);
    channel.send(text, uploads.take(), { replyTo: replyingTo ?? undefined, mentions });
    setAttachNotice(null);
    setReplyingTo(null);
    setMention(null);
    mentioned.current.clear();
    input.value = "";
    input.focus();
  };

  const suggestions = mention
    ? mentionCandidates(chat, me)
        .filter(
          (c) =>
            c.name
              .toLowerCase()
              .split(/\s+/)
              .some((word) => word.startsWith(mention.query)) || c.name.toLowerCase().startsWith(mention.query),
        )
        .slice(0, 6)
    : [];

  const pickMention = (candidate: { id: string; name: string }) => {
    const input = composer.current;
    if (!input || !mention) return;
    const caret = input.selectionStart ?? input.value.length;
    const inserted = `@${candidate.name} `;
    input.value = input.value.slice(0, mention.start) + inserted + input.value.slice(caret);
    const at = mention.start + inserted.length;
    input.setSelectionRange(at, at);
    mentioned.current.set(candidate.name, candidate.id);
    setMention(null);
    input.focus();
  };

  const onInput = (event: Event) => {
    const input = event.target as HTMLTextAreaElement;
    const found = mentionQuery(input.value, input.selectionStart ?? input.value.length);
    setMention(found ? { ...found, active: 0 } : null);
  };

  const startReply = (message: Message) => {
    setEditing(null);
    setReplyingTo(message);
    composer.current?.focus();
  };

  const startEdit = (message: Message) => {
    setReplyingTo(null);
    setEditing(message);
    if (composer.current) {
      composer.current.value = message.text;
      composer.current.focus();
    }
  };

  const cancelEdit = () => {
    setEditing(null);
    if (composer.current) composer.current.value = "";
  };

  const attach = (files: Iterable<File>) => {
    const left = uploads.add(files);
    setAttachNotice(left > 0 ? `At most ${MAX_ATTACHMENTS} files per message: ${left} left out.` : null);
  };

  const carriesFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (!dragging) setDragging(true);
  };
  const onDragLeave = (event: DragEvent) => {
    // Leaving for a child is not leaving the chat.
    const to = event.relatedTarget as Node | null;
    if (!to || !(event.currentTarget as HTMLElement).contains(to)) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    attach(event.dataTransfer?.files ?? []);
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };
  const onPick = (event: Event) => {
    const input = event.target as HTMLInputElement;
    attach(input.files ?? []);
    input.value = "";
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (mention && suggestions.length > 0) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : suggestions.length - 1;
        setMention({ ...mention, active: (mention.active + step) % suggestions.length });
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pickMention(suggestions[Math.min(mention.active, suggestions.length - 1)]!);
        return;
      }
    }
    if (event.key === "Escape") {
      if (mention) setMention(null);
      else if (editing) cancelEdit();
      else if (replyingTo) setReplyingTo(null);
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      (event.target as HTMLTextAreaElement).form?.requestSubmit();
      return;
    }
    if (Date.now() - lastTypingSent.current > TYPING_SENT_EVERY_MS && channel.typing()) lastTypingSent.current = Date.now();
  };

  return (
    <section class="chat-view" aria-label={`Chat ${title}`} onDragEnter={onDragOver} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
      {dragging && (
        <div class="drop-overlay" data-testid="drop-overlay">
          Drop files to send them
        </div>
      )}
      <header class="chat-header" ref={header}>
        <button type="button" class="icon-button back" aria-label="Back to chats" onClick={() => navigate({ name: "chats" })}>
          ‹
        </button>
        <Avatar label={title} colourKey={peer ?? chat.id} size={36} src={chat.peer?.avatarUrl} />
        <div class="chat-header-text">
          <h2 data-testid="chat-title">{title}</h2>
          <p class="muted small chat-status-line">
            {chat.encrypted && (
              <span class="e2ee-chat-mark" data-testid="e2ee-chat-mark" title="Only the members' devices can read this chat">
                <LockIcon />
                <span class="e2ee-mark-words">
                  <span class="e2ee-mark-long">End-to-end </span>
                  <span class="e2ee-mark-word">encrypted</span>
                </span>
              </span>
            )}
            {chat.encrypted && <span class="e2ee-mark-separator"> · </span>}
            <span data-testid="chat-status">
              {socketState !== "open" ? (
                "Connecting…"
              ) : typers.length > 0 ? (
                <span class="typing">{typers.join(", ")} typing…</span>
              ) : chat.type === "general" ? (
                "Everyone"
              ) : chat.type === "group" ? (
                `${chat.memberIds?.length ?? chat.memberCount ?? 0} members`
              ) : (
                <PresenceLine userId={peer} />
              )}
            </span>
          </p>
        </div>
        {/* Secondary actions: in the header on a wide screen, behind "More" on a phone (the name keeps its room). */}
        <button
          type="button"
          ref={moreButton}
          class="icon-button header-more"
          aria-label="More actions"
          aria-expanded={moreOpen ? "true" : "false"}
          aria-controls="chat-header-actions"
          onClick={() => setMoreOpen(!moreOpen)}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              fill="currentColor"
              d="M12 5.5a1.75 1.75 0 1 0 0-3.5 1.75 1.75 0 0 0 0 3.5Zm0 8.25a1.75 1.75 0 1 0 0-3.5 1.75 1.75 0 0 0 0 3.5Zm0 8.25a1.75 1.75 0 1 0 0-3.5 1.75 1.75 0 0 0 0 3.5Z"
            />
          </svg>
        </button>
        <div id="chat-header-actions" class={moreOpen ? "header-actions open" : "header-actions"}>
          <ChatBell chatId={chat.id} />
          <button
            type="button"
            class="icon-button"
            aria-label="Search messages"
            title="Search messages"
            onClick={() => {
              setSearching(!searching);
              setMoreOpen(false);
            }}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path fill="currentColor" d="M10 4a6 6 0 1 0 3.7 10.7l4.8 4.8 1.4-1.4-4.8-4.8A6 6 0 0 0 10 4Zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8Z" />
            </svg>
            <span class="menu-label" aria-hidden="true">
              Search messages
            </span>
          </button>
          {chat.type === "group" && (
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                setGroupInfo(true);
                setMoreOpen(false);
              }}
            >
              Group info
            </button>
          )}
          {mayTurnOnEncryption(chat, me?.id) && (
            <button
              type="button"
              class="secondary small"
              data-testid="turn-on-encryption"
              onClick={() => {
                setMoreOpen(false);
                void turnOnEncryptionAfterConfirming(chat, () => undefined);
              }}
            >
              Turn on encryption
            </button>
          )}
          {chat.type === "direct" && (
            <button
              type="button"
              class="icon-button"
              aria-label="Delete chat"
              title="Delete chat"
              onClick={() => void deleteChatAfterConfirming(chat, () => undefined)}
            >
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4l1-2Zm-3 6h12l-1 12H7L6 9Zm4 2v8h1.5v-8H10Zm3.5 0v8H15v-8h-1.5Z" />
              </svg>
              <span class="menu-label" aria-hidden="true">
                Delete chat
              </span>
            </button>
          )}
        </div>
        {groupInfo && <GroupInfoDialog chat={chat} onClose={() => setGroupInfo(false)} />}
        {/* Group calls (docs/calls.md): start the chat's call, or join the one running. */}
        {chat.type !== "direct" && <GroupCallButton chat={chat} />}
        {peer && (
          <button
            type="button"
            class="icon-button call"
            aria-label="Video call"
            title="Video call"
            disabled={call !== null}
            onClick={() => void calls.place(peer, "video")}
          >
            <VideoIcon />
          </button>
        )}
        {peer && (
          <button
            type="button"
            class="icon-button call"
            aria-label="Voice call"
            title="Voice call"
            disabled={call !== null}
            onClick={() => void calls.place(peer)}
          >
            <PhoneIcon />
          </button>
        )}
      </header>
      {searching && <ChatSearch key={chatId} chatId={chatId} encryption={encryption} onClose={() => setSearching(false)} />}
      <PinnedBar chatId={chatId} pins={encryption ? pins.map((pin) => ({ ...pin, message: encryption.display(pin.message) })) : pins} me={me} />
      {encryption && <EncryptionNotices encryption={encryption} />}
      {encryption && chat.memberIds && <DeviceChangeNotice userIds={chat.memberIds} />}
      {(socketState === "waiting" || !browserOnline) && (
        <div class="banner" data-testid="offline-banner">
          Offline — messages will be sent when you are back online.
        </div>
      )}
      <div class="messages" ref={scroller} onScroll={onScroll} data-testid="messages">
        {channel.hasOlder && messages.length > 0 && (
          <button type="button" class="secondary small load-older" onClick={loadOlder} disabled={loadingOlder}>
            {loadingOlder ? "Loading…" : "Load earlier messages"}
          </button>
        )}
        {messages.length === 0 &&
          outbox.length === 0 &&
          (channel.loaded ? (
            <div class="empty-block" data-testid="conversation-empty">
              <HelloPicture />
              <p>No messages here yet. Say hello.</p>
            </div>
          ) : (
            <p class="empty" data-testid="conversation-loading">
              Loading messages…
            </p>
          ))}
        {/* One keyed array in its own element: the list reconciles alone, apart from the optional rows above. */}
        <div class="message-list">
          {[
            ...messages.flatMap((message, index) => {
              const previous = messages[index - 1];
              const day = dayLabel(message.createdAt);
              const rows = [];
              if (!previous || dayLabel(previous.createdAt) !== day)
                rows.push(
                  <div key={`day-${message.seq}`} class="day-separator" data-testid="day-separator">
                    <span>{day}</span>
                  </div>,
                );
              // Where a chat that turned encryption on later became encrypted (its earlier messages stay plain).
              if (encryptedFrom && (previous ? previous.seq < encryptedFrom.seq && message.seq >= encryptedFrom.seq : message.seq === encryptedFrom.seq))
                rows.push(<EncryptedFromLine key="encrypted-from" at={encryptedFrom.at} />);
              if (live.unreadFrom !== null && message.seq === live.unreadFrom)
                rows.push(
                  <div key="new-messages" class="new-messages" data-testid="new-messages">
                    <span>New messages</span>
                  </div>,
                );
              rows.push(
                <MessageBubble
                  key={`m-${message.seq}`}
                  message={message}
                  content={encryption?.content(message)}
                  mine={message.senderId === me?.id}
                  showSender={chat.type !== "direct" && message.senderId !== me?.id && (previous?.senderId !== message.senderId || rows.length > 1)}
                  seen={message === myLastSeen}
                  pinned={pins.some((pin) => pin.message.id === message.id)}
                  mayPin={chat.type !== "general" || me?.role === "moderator" || me?.role === "admin"}
                  onReply={() => startReply(message)}
                  onEdit={() => startEdit(message)}
                />,
              );
              return rows;
            }),
            // No message of the encrypted part yet: the line closes the plain part.
            ...(encryptedFrom && (messages.at(-1)?.seq ?? 0) < encryptedFrom.seq ? [<EncryptedFromLine key="encrypted-from" at={encryptedFrom.at} />] : []),
            ...outbox.map((pending) => (
              <PendingBubble
                key={`p-${pending.clientId}`}
                pending={pending}
                encrypted={encryption !== null}
                onRetry={() => channel.retry(pending.clientId)}
                onDiscard={() => channel.discard(pending.clientId)}
              />
            )),
          ]}
        </div>
      </div>
      {attachNotice && <p class="banner">{attachNotice}</p>}
      {replyingTo && <ReplyBanner message={replyingTo} me={me} onCancel={() => setReplyingTo(null)} />}
      {editing && (
        <div class="reply-banner" data-testid="edit-banner">
          <div class="reply-banner-text">
            <span class="muted small">Editing your message</span>
            <span class="quote-text">{editing.text}</span>
          </div>
          <button type="button" class="icon-button" aria-label="Cancel the edit" onClick={cancelEdit}>
            ✕
          </button>
        </div>
      )}
      {mention && <MentionSuggestions candidates={suggestions} active={mention.active} onPick={pickMention} />}
      <DraftTray uploads={uploads} />
      <form ref={composerForm} class={uploads.drafts.length > 0 ? "composer with-drafts" : "composer"} onSubmit={send}>
        <input ref={fileInput} type="file" multiple accept={ACCEPTED_TYPES} hidden onChange={onPick} data-testid="file-input" />
        <button type="button" class="icon-button attach" aria-label="Attach files" title="Attach files" onClick={() => fileInput.current?.click()}>
          <PaperclipIcon />
        </button>
        <textarea
          ref={composer}
          name="text"
          rows={1}
          placeholder="Message"
          aria-label="Message"
          maxlength={4000}
          onKeyDown={onKeyDown}
          onInput={onInput}
          onPaste={onPaste}
        />
        <VoiceRecorder onRecorded={(file) => attach([file])} onError={setAttachNotice} controls={recorderControls} />
        <button
          type="submit"
          class="primary send"
          aria-label="Send"
          disabled={uploads.uploading || uploads.failed || cannotSeal}
          title={
            uploads.uploading
              ? "Wait for the files to upload"
              : uploads.failed
                ? "Remove the files that failed"
                : cannotSeal
                  ? "This device is not in the chat's encryption yet"
                  : undefined
          }
        >
          <SendIcon />
        </button>
      </form>
    </section>
  );
}

const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

/**
 * Adds or takes back the caller's reaction (the room sends everyone the updated message). In an
 * encrypted chat the reaction is an encrypted message naming the one it reacts to.
 */
async function react(chatId: string, messageId: string, emoji: string, remove: boolean, encryption: EncryptedChat | null): Promise<void> {
  const reacting = encryption
    ? encryption.react(messageId, emoji, remove)
    : ok(platform.api.v1.chats[":id"].messages[":messageId"].reactions.$post({ param: { id: chatId, messageId }, json: { emoji, remove } }));
  await reacting.catch((error: unknown) => store.showError(error, "Could not react"));
}

/** Edits the caller's message (the room sends everyone the edited message, and quotes of it follow); encrypted in an encrypted chat. */
async function editMessage(chatId: string, messageId: string, text: string, encryption: EncryptedChat | null): Promise<void> {
  const editing = encryption
    ? encryption.edit(messageId, text)
    : ok(platform.api.v1.chats[":id"].messages[":messageId"].$patch({ param: { id: chatId, messageId }, json: { text } }));
  await editing.catch((error: unknown) => store.showError(error, "Could not edit the message"));
}

async function deleteMessageAfterConfirming(message: Message): Promise<void> {
  if (!confirm("Delete this message for everyone?")) return;
  await ok(platform.api.v1.chats[":id"].messages[":messageId"].$delete({ param: { id: message.chatId, messageId: message.id } })).catch((error: unknown) =>
    store.showError(error, "Could not delete the message"),
  );
}

function MessageBubble({
  message,
  content,
  mine,
  showSender,
  seen,
  pinned,
  mayPin,
  onReply,
  onEdit,
}: {
  message: Message;
  /** An encrypted chat's message: what this device could read of it. */
  content?: MessageContent;
  mine: boolean;
  showSender: boolean;
  seen: boolean;
  pinned: boolean;
  mayPin: boolean;
  onReply: () => void;
  onEdit: () => void;
}) {
  const { me } = useAppState();
  const [picking, setPicking] = useState(false);
  const [menu, setMenu] = useState(false);
  const bubble = useRef<HTMLDivElement | null>(null);
  const menuButton = useRef<HTMLButtonElement | null>(null);
  useDismiss(menu, () => setMenu(false), bubble, menuButton);
  const [forwarding, setForwarding] = useState(false);
  const reactions = message.deletedAt ? [] : message.reactions;
  const mentionsMe = me !== null && message.mentions.includes(me.id);
  // What this device cannot read of an encrypted message is said in words; it takes no reply, edit or reaction.
  const unreadable = content !== undefined && content.state !== "opened" && !message.deletedAt;
  const encryption = content === undefined ? null : EncryptedChat.for(message.chatId);
  const shownFiles = content === undefined || !message.mls ? message.attachments : content.state === "opened" ? content.files : [];
  const captionOnly = isFilesCaption(message.text, shownFiles);
  const act = (action: () => void) => () => {
    setMenu(false);
    action();
  };
  return (
    <div ref={bubble} class={mine ? "message mine" : mentionsMe ? "message mentions-me" : "message"} data-seq={message.seq} data-testid="message">
      {showSender && <span class="sender">{personLabel(message.senderId, me)}</span>}
      <div class={message.attachments.length > 0 && !message.deletedAt ? "bubble with-attachments" : "bubble"}>
        {message.forwardedFrom && !message.deletedAt && (
          <span class="forwarded-from" data-testid="forwarded-from">
            Forwarded from {personLabel(message.forwardedFrom.senderId, me)}
          </span>
        )}
        {message.replyTo && !message.deletedAt && <QuoteBlock quote={message.replyTo} me={me} />}
        {!message.deletedAt &&
          (content === undefined || !message.mls ? (
            // A plain chat's files, and those of a message sent before the chat turned encryption on.
            <MessageAttachments attachments={message.attachments} />
          ) : (
            content.state === "opened" && <EncryptedAttachments files={content.files} />
          ))}
        {message.deletedAt ? (
          <em class="muted">Message deleted</em>
        ) : unreadable ? (
          <em class="muted unreadable" data-testid="unreadable" data-reason={content.state}>
            {unreadableWords(content)}
          </em>
        ) : captionOnly ? null : (
          <MessageText message={message} me={me} />
        )}
        <span class="meta">
          {pinned && (
            <span class="pin-mark" role="img" aria-label="Pinned" title="Pinned">
              <PinIcon />
            </span>
          )}
          {!message.deletedAt && !picking && !unreadable && (
            <button type="button" class="reaction add" aria-label="Add a reaction" title="React" onClick={() => setPicking(true)}>
              ☺+
            </button>
          )}
          {!message.deletedAt && (
            <button
              type="button"
              ref={menuButton}
              class="reaction add"
              aria-label="Message actions"
              title="More"
              aria-expanded={menu ? "true" : "false"}
              onClick={() => setMenu(!menu)}
            >
              ⋯
            </button>
          )}
          {message.editedAt && "edited · "}
          {clockTime(message.createdAt)}
          {mine && (
            <span class="tick" aria-label={seen ? "Seen" : "Delivered"}>
              {seen ? " ✓✓" : " ✓"}
            </span>
          )}
        </span>
      </div>
      {!message.deletedAt && (reactions.length > 0 || picking) && (
        <div class="reactions" data-testid="reactions">
          {reactions.map((reaction) => {
            const own = me !== null && reaction.userIds.includes(me.id);
            const who = reaction.userIds.map((id) => personLabel(id, me)).join(", ");
            return (
              <button
                type="button"
                class={own ? "reaction own" : "reaction"}
                title={who}
                aria-label={`${reaction.emoji} ${reaction.count}${own ? ", yours" : ""}`}
                onClick={() => void react(message.chatId, message.id, reaction.emoji, own, encryption)}
              >
                {reaction.emoji} {reaction.count}
              </button>
            );
          })}
          {picking &&
            QUICK_REACTIONS.map((emoji) => (
              <button
                type="button"
                class="reaction pick"
                aria-label={`React with ${emoji}`}
                onClick={() => {
                  setPicking(false);
                  void react(message.chatId, message.id, emoji, false, encryption);
                }}
              >
                {emoji}
              </button>
            ))}
        </div>
      )}
      {menu && (
        <div class="message-actions" role="menu" data-testid="message-actions">
          {!unreadable && (
            <button type="button" role="menuitem" class="plain" onClick={act(onReply)}>
              Reply
            </button>
          )}
          {/* The server cannot copy what it cannot read: forwarding out of an encrypted chat is not offered (docs/e2ee.md, limits). */}
          {content === undefined && (
            <button type="button" role="menuitem" class="plain" onClick={act(() => setForwarding(true))}>
              Forward
            </button>
          )}
          {mayPin && (
            <button
              type="button"
              role="menuitem"
              class="plain"
              onClick={act(() => void (pinned ? unpinMessage(message.chatId, message.id) : pinMessage(message.chatId, message.id)))}
            >
              {pinned ? "Unpin" : "Pin"}
            </button>
          )}
          {mine && !unreadable && (
            <button type="button" role="menuitem" class="plain" onClick={act(onEdit)}>
              Edit
            </button>
          )}
          {(mine || me?.role === "moderator" || me?.role === "admin") && (
            <button type="button" role="menuitem" class="plain danger" onClick={act(() => void deleteMessageAfterConfirming(message))}>
              Delete
            </button>
          )}
        </div>
      )}
      {forwarding && <ForwardDialog message={message} onClose={() => setForwarding(false)} />}
      {seen && (
        <span class="seen" data-testid="seen">
          Seen
        </span>
      )}
    </div>
  );
}

function PendingBubble({
  pending,
  encrypted,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  encrypted: boolean;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  // An encrypted chat's files are shown from this device's own copy while they are on their way.
  const files = encrypted ? pending.attachments.flatMap((file) => encryptedFileKey(file.id) ?? []) : [];
  return (
    <div class={`message mine pending ${pending.status}`} data-testid="pending-message">
      <div class={pending.attachments.length > 0 ? "bubble with-attachments" : "bubble"}>
        {pending.replyTo && <QuoteBlock quote={pending.replyTo} me={store.state.me} />}
        {encrypted ? <EncryptedAttachments files={files} /> : <MessageAttachments attachments={pending.attachments} />}
        {!isFilesCaption(pending.text, pending.attachments) && <span class="text">{pending.text}</span>}
        <span class="meta">{pending.status === "sending" ? "Sending…" : "Not sent"}</span>
      </div>
      {pending.status === "failed" && (
        <span class="retry">
          {pending.error && <span class="muted small">{pending.error} · </span>}
          <button type="button" class="link" onClick={onRetry}>
            Retry
          </button>
          <button type="button" class="link" onClick={onDiscard}>
            Delete
          </button>
        </span>
      )}
    </div>
  );
}

export function PhoneIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"
      />
    </svg>
  );
}

function SendIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
    </svg>
  );
}

function VideoIcon() {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path fill="currentColor" d="M15 8.5V7a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h9a2 2 0 0 0 2-2v-1.5l5 3.5V5l-5 3.5Z" />
    </svg>
  );
}

/** "Today", "Yesterday", or the date, for the separator above a day's first message. */
function dayLabel(iso: string): string {
  const date = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === today.toDateString()) return "Today";
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  return date.toLocaleDateString([], {
    weekday: "long",
    month: "long",
    day: "numeric",
    ...(date.getFullYear() === today.getFullYear() ? {} : { year: "numeric" }),
  });
}

const PRESENCE_REFRESH_MS = 30_000;

/** A direct chat's header line: online, last seen, or plainly "Direct chat" when the peer does not show it. */
function PresenceLine({ userId }: { userId: string | null }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (!userId) return;
    let stopped = false;
    const load = () =>
      ok(platform.api.v1.users[":id"].presence.$get({ param: { id: userId } })).then(
        (presence) =>
          !stopped &&
          setText(presence.visible ? (presence.online ? "online" : presence.lastSeenAt ? `last seen ${lastSeen(presence.lastSeenAt)}` : null) : null),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, PRESENCE_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [userId]);
  return <span data-testid="presence">{text ?? "Direct chat"}</span>;
}

function lastSeen(iso: string): string {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString()
    ? `today at ${clockTime(iso)}`
    : `${date.toLocaleDateString([], { month: "short", day: "numeric" })} at ${clockTime(iso)}`;
}

interface Found {
  id: string;
  seq: number;
  senderId: string | null;
  text: string;
  createdAt: string;
}

/**
 * Full-text search of the chat's messages (GET /v1/chats/:id/messages?q=), newest first. An
 * encrypted chat is searched on this device, in what it decrypted: the server holds only ciphertext.
 */
function ChatSearch({ chatId, encryption, onClose }: { chatId: string; encryption: EncryptedChat | null; onClose: () => void }) {
  const { me } = useAppState();
  const [found, setFound] = useState<Found[] | null>(null);
  const asked = useRef(0);
  const search = async (q: string) => {
    const ticket = ++asked.current;
    if (!q.trim()) return setFound(null);
    if (encryption) {
      const local = await encryption.search(q.trim()).catch(() => []);
      if (ticket === asked.current) setFound(local.slice(0, 30));
      return;
    }
    const page = await ok(platform.api.v1.chats[":id"].messages.$get({ param: { id: chatId }, query: { q: q.trim(), limit: "30" } })).catch(() => null);
    if (!page || ticket !== asked.current) return;
    store.rememberPeople(page.people);
    setFound(page.items as Found[]);
  };
  return (
    <search class="chat-search">
      {encryption && (
        <p class="muted small search-note" data-testid="on-device-search">
          Searching on this device: this chat is end-to-end encrypted, so the server cannot search it. Only messages this device could read are found.
        </p>
      )}
      <div class="row">
        <input
          type="search"
          placeholder="Search this chat"
          aria-label="Search this chat"
          autocomplete="off"
          onInput={(e: Event) => void search((e.target as HTMLInputElement).value)}
          onKeyDown={(e: KeyboardEvent) => e.key === "Escape" && onClose()}
        />
        <button type="button" class="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      {found && (
        <ul class="search-results" aria-label="Messages found" data-testid="search-results">
          {found.length === 0 && <li class="muted">No messages found.</li>}
          {found.map((message) => (
            <li key={message.id}>
              <span class="muted small">
                {personLabel(message.senderId, me)} · {clockTime(message.createdAt)}
              </span>
              <span class="found-text">{message.text}</span>
            </li>
          ))}
        </ul>
      )}
    </search>
  );
}
