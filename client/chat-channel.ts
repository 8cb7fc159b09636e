// One open chat: its messages by seq (each shown once whatever path it arrived by), live frames
// from the room socket, catch-up with `after=` on every (re)connect, and an outbox that resends
// what was not acknowledged with the same clientId (the room returns the first message for it).
import type { Attachment, Message, Person, Pin, Quote } from "../shared/chat/model";
import { expandMessage, expandPin } from "./chat-frames";
import type { LiveSocket, LiveSocketState, ServerFrame } from "./live-socket";

export interface PendingMessage {
  clientId: string;
  text: string;
  /** Files already uploaded (POST /v1/files), sent as their ids. */
  attachments: Attachment[];
  /** The message this one answers, as it was when sent. */
  replyTo?: Quote;
  /** Ids of the members it mentions. */
  mentions?: string[];
  /** `sending` until acknowledged; `failed` after `sendTimeoutMs` without an ack (counted from the room's hello) or on a refused send. */
  status: "sending" | "failed";
  error?: string;
  createdAt: string;
}

export interface ChatHistorySource {
  /** Messages with seq > `after`, oldest first, every page. */
  after(seq: number): Promise<Message[]>;
  /** One page older than `before` (newest first from the server), or the newest page. */
  before(before: number | undefined, limit: number): Promise<{ items: Message[]; more: boolean }>;
}

export interface ChatChannelEvents {
  /** Messages or the outbox changed. */
  change?: () => void;
  typing?: (userId: string) => void;
  /** Another member's new message arrived live. */
  message?: (message: Message) => void;
  read?: (userId: string, seq: number) => void;
  state?: (state: LiveSocketState) => void;
  /** A catch-up request failed (the next reconnect tries again). */
  error?: (error: unknown) => void;
  /** The senders a page of history named (names and pictures). */
  people?: (people: Person[]) => void;
  /** A member pinned a message. */
  pinned?: (pin: Pin) => void;
  /** A message was unpinned (or deleted while pinned). */
  unpinned?: (messageId: string) => void;
}

/** What a send may add to its text: the message it answers and the members it mentions. */
export interface SendOptions {
  replyTo?: Message;
  mentions?: string[];
}

/**
 * What a reply shows of `message`, built as the server builds it (shared/chat/model.ts quoteOf;
 * the client loads nothing from shared/ at run time): the first 200 characters of its text now.
 */
function quoteOf(message: Message): Quote {
  return {
    id: message.id,
    seq: message.seq,
    senderId: message.senderId,
    text: message.text.slice(0, 200),
    hasAttachments: message.attachments.length > 0,
    editedAt: message.editedAt,
    deletedAt: message.deletedAt,
  };
}

export interface ChatChannelOptions {
  selfId?: string;
  sendTimeoutMs?: number;
  pageSize?: number;
  /**
   * How a pending message goes out instead of a `message.send` frame: an end-to-end encrypted
   * chat seals it and sends `mls.send` (docs/e2ee.md). The room answers it as any send
   * (`message.ack`, or an `error` with its clientId), and the outbox works as for plain text.
   */
  transmit?: (pending: PendingMessage) => void;
  /** A pending message was deleted before it went out: whatever `transmit` still holds of it is dropped. */
  discard?: (clientId: string) => void;
}

let clientIdCounter = 0;
export function newClientId(): string {
  const random = crypto.randomUUID() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `c-${random}-${(clientIdCounter++).toString(36)}`;
}

export class ChatChannel {
  readonly #messages = new Map<number, Message>();
  readonly #outbox = new Map<string, PendingMessage>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Highest seq this channel holds with nothing missing below it (since the first loaded page). */
  lastSeq = 0;
  hasOlder = true;
  /** Read positions of the other members, by user id. */
  readonly readSeqs = new Map<string, number>();
  #catchingUp: Promise<void> = Promise.resolve();
  #socket: LiveSocket | null = null;
  #loadedInitial = false;
  /** The room said `hello` on this connection and it is still open: a send's wait for its ack runs only then. */
  #roomAnswers = false;

  constructor(
    readonly chatId: string,
    private readonly history: ChatHistorySource,
    private readonly events: ChatChannelEvents = {},
    private readonly options: ChatChannelOptions = {},
  ) {}

  /** Attaches the room socket (made by the platform client with this channel's frame handler). */
  attach(socket: LiveSocket): void {
    this.#socket = socket;
  }

  /** Every message held, oldest first, each seq once. */
  get messages(): Message[] {
    return [...this.#messages.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The newest page has loaded: until then an empty channel is not an empty chat. */
  get loaded(): boolean {
    return this.#loadedInitial;
  }

  /** Unacknowledged sends, oldest first. */
  get outbox(): PendingMessage[] {
    return [...this.#outbox.values()];
  }

  /** Loads the newest page (before the socket connects, so the catch-up starts from its end). */
  async loadInitial(): Promise<void> {
    if (this.#loadedInitial) return;
    const page = await this.history.before(undefined, this.options.pageSize ?? 30);
    this.#loadedInitial = true;
    this.hasOlder = page.more;
    this.#merge(page.items);
    this.lastSeq = Math.max(this.lastSeq, ...page.items.map((m) => m.seq));
    this.events.change?.();
  }

  async loadOlder(): Promise<void> {
    if (!this.hasOlder) return;
    const oldest = this.messages[0]?.seq;
    const page = await this.history.before(oldest, this.options.pageSize ?? 30);
    this.hasOlder = page.more;
    this.#merge(page.items);
    this.events.change?.();
  }

  /** Queues a message: shown at once as pending, sent now if the socket is open, else on reconnect. */
  send(text: string, attachments: Attachment[] = [], options: SendOptions = {}, clientId = newClientId()): PendingMessage {
    const pending: PendingMessage = { clientId, text, attachments, status: "sending", createdAt: new Date().toISOString() };
    if (options.replyTo) pending.replyTo = quoteOf(options.replyTo);
    if (options.mentions && options.mentions.length > 0) pending.mentions = options.mentions;
    this.#outbox.set(clientId, pending);
    this.#transmit(pending);
    this.events.change?.();
    return pending;
  }

  /** Sends a failed message again, with its original clientId. */
  retry(clientId: string): void {
    const pending = this.#outbox.get(clientId);
    if (!pending) return;
    pending.status = "sending";
    delete pending.error;
    this.#transmit(pending);
    this.events.change?.();
  }

  discard(clientId: string): void {
    this.#clearTimer(clientId);
    if (!this.#outbox.delete(clientId)) return;
    this.options.discard?.(clientId);
    this.events.change?.();
  }

  /** Tells the others this user is typing; false when the socket is not open (nothing was sent). */
  typing(): boolean {
    return this.#socket?.send({ type: "typing" }) ?? false;
  }

  markRead(seq = this.lastSeq): void {
    if (seq > 0) this.#socket?.send({ type: "read", seq });
  }

  /** The room socket's frames (messages in their socket form, rebuilt here: client/chat-frames.ts). */
  handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "hello":
        this.#roomAnswers = true;
        void this.#catchUp(Number(frame.lastSeq ?? 0));
        break;
      case "message.ack": {
        const clientId = String(frame.clientId);
        this.#clearTimer(clientId);
        this.#outbox.delete(clientId);
        this.#receive(expandMessage(frame.message as Record<string, unknown>, this.chatId, clientId));
        break;
      }
      case "message.new": {
        const message = expandMessage(frame.message as Record<string, unknown>, this.chatId);
        this.#receive(message);
        this.events.message?.(message);
        break;
      }
      case "message.updated": {
        const message = expandMessage(frame.message as Record<string, unknown>, this.chatId);
        let changed = false;
        const held = this.#messages.get(message.seq);
        if (held) {
          // The socket does not repeat the clientId; the held copy (from REST or the ack) keeps it.
          this.#messages.set(message.seq, { ...message, clientId: held.clientId });
          changed = true;
        }
        // Replies held here quote the original as it is now (the server reads quotes the same way).
        for (const [seq, held] of this.#messages) {
          if (held.replyTo?.id !== message.id) continue;
          this.#messages.set(seq, { ...held, replyTo: quoteOf(message) });
          changed = true;
        }
        if (changed) this.events.change?.();
        break;
      }
      case "message.pinned":
        this.events.pinned?.(expandPin(frame.pin as Record<string, unknown>, this.chatId));
        break;
      case "message.unpinned":
        this.events.unpinned?.(String(frame.id));
        break;
      case "typing":
        this.events.typing?.(String(frame.userId));
        break;
      case "read":
        this.readSeqs.set(String(frame.userId), Number(frame.seq));
        this.events.read?.(String(frame.userId), Number(frame.seq));
        this.events.change?.();
        break;
      case "error":
        if (typeof frame.clientId === "string") this.#fail(frame.clientId, String(frame.detail ?? frame.code));
        break;
    }
  }

  handleState(state: LiveSocketState): void {
    if (state !== "open") {
      this.#roomAnswers = false;
      // What the room did not answer before the connection went waits as `sending` (not failed): the
      // next hello's catch-up sends it again, and its wait starts then.
      for (const clientId of [...this.#timers.keys()]) this.#clearTimer(clientId);
    }
    this.events.state?.(state);
  }

  /**
   * Fetches what was sent while away, then resends the outbox. Live frames arriving meanwhile
   * merge by seq. Catch-ups run one after another (a second hello waits for the first).
   */
  #catchUp(serverLastSeq: number): Promise<void> {
    const run = async () => {
      try {
        if (!this.#loadedInitial) await this.loadInitial();
        else if (serverLastSeq > this.lastSeq) {
          const missed = await this.history.after(this.lastSeq);
          for (const message of missed) this.#receive(message);
        }
      } catch (error) {
        this.events.error?.(error);
      }
      for (const pending of this.#outbox.values()) if (pending.status === "sending") this.#transmit(pending);
    };
    this.#catchingUp = this.#catchingUp.then(run);
    return this.#catchingUp;
  }

  #transmit(pending: PendingMessage): void {
    this.#clearTimer(pending.clientId);
    // Before the room's hello (connecting, or an encrypted chat still setting up its keys, which
    // passes the hello on after that) nothing can answer yet: the message stays `sending`, and the
    // hello's catch-up transmits it again and starts its wait. A slow start is not "Not delivered".
    if (this.#roomAnswers)
      this.#timers.set(
        pending.clientId,
        setTimeout(() => this.#fail(pending.clientId, "Not delivered"), this.options.sendTimeoutMs ?? 10_000),
      );
    if (this.options.transmit) {
      this.options.transmit(pending);
      return;
    }
    const attachments = pending.attachments.length > 0 ? { attachments: pending.attachments.map((file) => file.id) } : {};
    const reply = pending.replyTo ? { replyTo: pending.replyTo.id } : {};
    const mentions = pending.mentions ? { mentions: pending.mentions } : {};
    this.#socket?.send({ type: "message.send", clientId: pending.clientId, text: pending.text, ...attachments, ...reply, ...mentions });
  }

  #fail(clientId: string, error: string): void {
    this.#clearTimer(clientId);
    const pending = this.#outbox.get(clientId);
    if (!pending) return;
    pending.status = "failed";
    pending.error = error;
    this.events.change?.();
  }

  #clearTimer(clientId: string): void {
    const timer = this.#timers.get(clientId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(clientId);
  }

  #receive(message: Message): void {
    // Our own message stored through another path (e.g. seen in the catch-up page) leaves the outbox too.
    if (message.senderId === this.options.selfId) {
      this.#clearTimer(message.clientId);
      this.#outbox.delete(message.clientId);
    }
    this.#merge([message]);
    this.#advance();
    this.events.change?.();
  }

  #merge(messages: Message[]): void {
    for (const message of messages) this.#messages.set(message.seq, message);
  }

  /** lastSeq moves only over a contiguous run, so a gap (a live frame ahead of the catch-up) is fetched, not skipped. */
  #advance(): void {
    while (this.#messages.has(this.lastSeq + 1)) this.lastSeq++;
  }
}
