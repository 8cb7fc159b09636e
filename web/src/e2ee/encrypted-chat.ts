// One end-to-end encrypted chat in this tab (docs/e2ee.md, "In the web app"): it joins the chat's
// MLS group (or starts it), keeps the group in step with the chat's members and their devices,
// seals what this device sends, opens what arrives (in the room's order, the commits between
// applied first), and keeps what it read in IndexedDB, where edits and reactions are folded into
// the messages they change. Every step that touches the group runs in one queue, one at a time.
import { type LiveSocket, type LiveSocketState, type Message, newClientId, ok, type PendingMessage, type ServerFrame } from "../../../client";
import { expandMessage } from "../../../client/chat-frames";
import {
  EncryptedRoom,
  type MessageRelation,
  messageEpoch,
  type MlsDevice,
  type MlsGroup,
  type MlsPayload,
  type OpenedMessage,
  type PublicMetadata,
  type RoomFrame,
  RoomRefusal,
} from "../../../client/e2ee";
import { fromBase64url } from "../../../client/e2ee/bytes";
import { type CallKeySource, MlsCallKeySource } from "../../../client/e2ee/call-keys";
import { platform } from "../api-client";
import { store } from "../store";
import { currentDevice, refillKeyPackages } from "./device";
import { type MessageContent, unreadableWords } from "./message-content";
import { encryptedFileKey } from "./file-keys";
import {
  type ChatProgress,
  chatHistory,
  chatProgress,
  deleteHistory,
  deleteOutgoing,
  type FoldedMessage,
  fold,
  type HistoryRecord,
  historyOf,
  onHistoryImported,
  type OutgoingRecord,
  outgoingOf,
  saveChatProgress,
  saveHistory,
  saveOutgoing,
  searchFolded,
} from "./history-store";

/** Where this device stands in the chat's group. */
export type { MessageContent } from "./message-content";

export type EncryptionStatus =
  /** The device or the group is being set up. */
  | "starting"
  | "joined"
  /** The group exists and this device is not in it yet: another member's device adds it. */
  | "waiting"
  /** This session has no MLS device (its registration failed). */
  | "unavailable";

/** How long the room has to answer a handshake frame before the step gives up (the next connect retries). */
const ANSWER_TIMEOUT_MS = 20_000;
/** A stale epoch or a pending removal: the send is sealed again after catching up, this many times. */
const SEND_ATTEMPTS = 4;
/** History pages read when catching up or looking for where this device joined. */
const PAGE = 100;
/** A socket opened to read a chat that is not on screen closes after this long without news. */
const BACKGROUND_IDLE_MS = 20_000;

interface Sending {
  payload: Omit<MlsPayload, "from">;
  metadata: PublicMetadata;
  attachments: string[];
  attempts: number;
  /** An edit or a reaction: its promise settles on the room's answer. */
  settle?: { resolve: () => void; reject: (error: Error) => void };
}

interface Waiter {
  match: (frame: RoomFrame) => boolean;
  resolve: (frame: RoomFrame) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const chats = new Map<string, EncryptedChat>();

/** Words for a send the room or this device could not deliver. */
const NOT_IN_GROUP = "This device is not in the chat's encryption yet: wait until another member's device adds it, then retry.";
const COULD_NOT_SEAL = "Could not encrypt the message: retry.";
const OUT_OF_STEP = "This device could not catch up with the chat's encryption: retry.";

export class EncryptedChat {
  status: EncryptionStatus = "starting";
  readonly #records = new Map<string, HistoryRecord>();
  readonly #relations = new Map<string, HistoryRecord[]>();
  readonly #epochs = new Map<string, bigint | undefined>();
  readonly #sending = new Map<string, Sending>();
  /**
   * Messages sent while this device waited to be added to the group (another member's device
   * started the group first: this device's own start was refused, and its Welcome is on the
   * way). They stay `Sending…` and are sealed once it joins.
   */
  readonly #heldUntilJoined = new Set<string>();
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<() => void>();
  #progress: ChatProgress | undefined;
  #device: MlsDevice | undefined;
  #room: EncryptedRoom | undefined;
  #socket: LiveSocket | null = null;
  /** The room socket this chat opened itself, for a call while the chat is not on screen. */
  #background: { stop(): void; socket: LiveSocket } | null = null;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #deliver: (frame: ServerFrame) => void = () => undefined;
  #queue: Promise<void> = Promise.resolve();
  #loaded: Promise<void>;
  #keys: { group: MlsGroup; source: MlsCallKeySource } | undefined;
  #keyUsers = 0;
  /** Settles once this chat was first set up (joined, waiting or unavailable), or gave up waiting for it. */
  #setUpOnce: { promise: Promise<void>; resolve: () => void };
  #members: string;
  /** Other members with no device at all, as the last look at the members' devices found them. */
  #withoutDevice: readonly string[] = [];
  readonly #stopWatching: (() => void)[] = [];

  private constructor(readonly chatId: string) {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.#setUpOnce = { promise, resolve };
    this.#members = this.#memberKey();
    this.#loaded = this.#load();
    this.#stopWatching.push(
      onHistoryImported(() => void this.#load().then(() => this.#changed())),
      // Members added or removed while the chat is open: the group follows.
      store.subscribe(() => {
        const members = this.#memberKey();
        if (members === this.#members) return;
        this.#members = members;
        if (this.status === "joined") this.#enqueue(() => this.#reconcile());
      }),
    );
  }

  /** The chat's encryption in this tab (one per chat, whoever asks: the chat's screen, a call). */
  static for(chatId: string): EncryptedChat {
    let chat = chats.get(chatId);
    if (!chat) {
      chat = new EncryptedChat(chatId);
      chats.set(chatId, chat);
    }
    return chat;
  }

  /** Every encrypted chat of this tab forgets its state (the session ended). */
  static closeAll(): void {
    for (const chat of chats.values()) chat.#close();
    chats.clear();
  }

  /** Hears every change of what the chat shows (a message opened, the status); returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get joinedAt(): string | null {
    return this.#progress?.joinedAt ?? null;
  }

  /** Whether this device joined after the chat had messages: it cannot read those (the new-device notice). */
  get joinedAfterMessages(): boolean {
    return (this.#progress?.boundarySeq ?? 0) > 0;
  }

  /**
   * The other members who have no live device for end-to-end encryption (none of their sessions has
   * opened the app yet): what is sent before they have one stays locked for them, so the
   * sender's screen says so (as the recipient's says "Sent before this device joined this chat").
   */
  get membersWithoutDevice(): readonly string[] {
    return this.#withoutDevice;
  }

  /** The chat screen's room socket: this chat speaks through it from now on (a background one it opened is closed). */
  attach(socket: LiveSocket): void {
    this.#socket = socket;
    if (this.#background && this.#background.socket !== socket) {
      this.#background.stop();
      this.#background = null;
    }
  }

  /** The chat screen closed its socket: a call still using the chat's keys keeps a socket of its own. */
  detach(socket: LiveSocket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    this.#failWaiters("The chat's connection closed");
    if (this.#keyUsers > 0) this.#connectInBackground();
  }

  /** The socket's state: answers awaited over a socket that dropped never come. */
  socketState(state: LiveSocketState): void {
    if (state !== "open") this.#failWaiters("The chat's connection dropped");
  }

  /**
   * Every frame of the room socket, before the chat's channel (platform.chat's `intercept`):
   * answers to this chat's own requests go to whoever waits for them; messages are opened
   * before the channel gets them, in the order they came.
   */
  intercept(frame: ServerFrame, deliver: (frame: ServerFrame) => void): void {
    this.#deliver = deliver;
    for (const waiter of [...this.#waiters]) {
      if (!waiter.match(frame)) continue;
      this.#waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
      break;
    }
    switch (frame.type) {
      case "hello":
        this.#enqueue(
          async () => {
            await this.#setUp();
            await this.#catchUp();
          },
          () => deliver(frame),
        );
        return;
      case "message.new":
        this.#enqueue(
          () => this.#receive(expandMessage(frame.message as Record<string, unknown>, this.chatId)),
          () => deliver(frame),
        );
        return;
      case "message.ack":
        this.#enqueue(
          () => this.#acknowledged(String(frame.clientId), expandMessage(frame.message as Record<string, unknown>, this.chatId, String(frame.clientId))),
          () => deliver(frame),
        );
        return;
      case "message.updated":
        this.#enqueue(
          () => this.#updated(expandMessage(frame.message as Record<string, unknown>, this.chatId)),
          () => deliver(frame),
        );
        return;
      case "mls.commit":
        this.#enqueue(async () => {
          await this.#room?.applyCommit(frame as unknown as { epoch: number; commit: string });
          await this.#afterCommits();
        });
        return;
      case "mls.welcome.available":
        if (this.#device && (frame.deviceIds as string[] | undefined)?.includes(this.#device.deviceId))
          this.#enqueue(async () => {
            await this.#setUp();
            await this.#catchUp();
          });
        return;
      case "mls.device.waiting":
        // Every member device in the room hears it: a moment's random wait lets one go first and the others find nothing to do.
        setTimeout(() => this.#enqueue(() => this.#reconcile()), Math.random() * 1500);
        return;
      case "error":
        if (typeof frame.clientId === "string" && this.#sending.has(frame.clientId)) {
          const clientId = frame.clientId;
          this.#enqueue(() => this.#refused(clientId, frame));
          return;
        }
        deliver(frame);
        return;
      default:
        if (frame.type.startsWith("mls.")) return;
        this.#enqueue(
          () => Promise.resolve(),
          () => deliver(frame),
        );
    }
  }

  /** The chat channel's way to send a pending message here: sealed, as `mls.send` (ChatChannel's `transmit`). */
  transmit(pending: PendingMessage): void {
    const files = pending.attachments.flatMap((file) => {
      const key = encryptedFileKey(file.id);
      return key ? [key] : [];
    });
    this.#sending.set(pending.clientId, {
      payload: { text: pending.text, ...(files.length > 0 ? { files } : {}) },
      metadata: { ...(pending.replyTo ? { replyTo: pending.replyTo.id } : {}), ...(pending.mentions ? { mentions: pending.mentions } : {}) },
      attachments: pending.attachments.map((file) => file.id),
      attempts: 0,
    });
    this.#heldUntilJoined.delete(pending.clientId);
    this.#enqueue(() => this.#seal(pending.clientId));
  }

  /** A pending message was deleted: if it was held until this device joins, it is never sealed. */
  discard(clientId: string): void {
    if (this.#heldUntilJoined.delete(clientId)) this.#sending.delete(clientId);
  }

  /** Edits this user's message: the new words, encrypted, naming the message (docs/e2ee.md). */
  edit(messageId: string, text: string): Promise<void> {
    return this.#sendRelation({ kind: "edit", id: messageId }, { text });
  }

  /** Adds or takes back this user's reaction, encrypted, naming the message. */
  react(messageId: string, emoji: string, remove: boolean): Promise<void> {
    return this.#sendRelation({ kind: "reaction", id: messageId }, { reaction: { emoji, ...(remove ? { remove: true } : {}) } });
  }

  /** What `message` is to this device now (opened with its edits and reactions, or why not). */
  content(message: Message): MessageContent {
    if (!message.mls && !message.deletedAt) return this.#plainContent(message);
    const record = this.#records.get(message.id);
    if (record?.state === "opened") return { state: "opened", ...fold(record, this.#relations.get(message.id) ?? []) };
    if (record) return { state: record.state };
    if (this.status === "waiting" || this.status === "unavailable") return { state: "before_joining" };
    const joined = this.#progress ? BigInt(this.#progress.joinedEpoch) : undefined;
    const epoch = this.#epochOf(message);
    if (joined !== undefined && epoch !== undefined && epoch < joined) return { state: "before_joining" };
    if (this.#progress && message.seq <= this.#progress.processedSeq) return { state: "undecryptable" };
    return { state: "pending" };
  }

  /**
   * A message sent in the clear before the chat turned encryption on (`encryptedFrom`; the room
   * refuses plain messages after it): readable as it is, with the reactions it had then and the
   * encrypted edits and reactions made since.
   */
  #plainContent(message: Message): MessageContent {
    const record: HistoryRecord = {
      chatId: this.chatId,
      id: message.id,
      seq: message.seq,
      senderId: message.senderId,
      createdAt: message.createdAt,
      state: "opened",
      text: message.text,
    };
    const folded = fold(record, this.#relations.get(message.id) ?? []);
    const reactions = [...message.reactions];
    for (const reaction of folded.reactions) {
      const held = reactions.find((r) => r.emoji === reaction.emoji);
      const userIds = [...new Set([...(held?.userIds ?? []), ...reaction.userIds])];
      if (held) reactions.splice(reactions.indexOf(held), 1, { emoji: reaction.emoji, count: userIds.length, userIds });
      else reactions.push(reaction);
    }
    return { state: "opened", ...folded, editedAt: folded.editedAt ?? message.editedAt, reactions };
  }

  /** `message` as the screens show it: its text, edit time and reactions as this device reads them, and its quote's words. */
  display(message: Message): Message {
    const content = this.content(message);
    const opened = content.state === "opened" ? content : null;
    const quote = message.replyTo;
    let replyTo = quote;
    if (quote) {
      const target = this.#records.get(quote.id);
      const folded = target?.state === "opened" ? fold(target, this.#relations.get(quote.id) ?? []) : null;
      replyTo = {
        ...quote,
        text: quote.deletedAt ? "" : folded ? folded.text.slice(0, 200) : "Encrypted message",
        hasAttachments: (folded?.files.length ?? 0) > 0,
        editedAt: folded?.editedAt ?? quote.editedAt,
      };
    }
    return {
      ...message,
      // A message this device cannot read says why, wherever its text shows (a pin, a reply banner).
      text: opened ? opened.text : message.deletedAt ? "" : unreadableWords(content as Exclude<MessageContent, { state: "opened" }>),
      editedAt: opened?.editedAt ?? null,
      reactions: opened?.reactions ?? [],
      replyTo,
    };
  }

  /** The chat's messages this device read that hold every word of `query`, newest first (the server cannot search them). */
  async search(query: string): Promise<{ id: string; seq: number; senderId: string | null; text: string; createdAt: string }[]> {
    await this.#loaded;
    return searchFolded([...this.#records.values()], query);
  }

  /**
   * The call key source of the chat's group (SFrame, web/src/call-encryption.ts): a call of this
   * chat seals and opens its media under the group's keys, re-keyed at each epoch. The chat keeps
   * a socket of its own while a call uses the keys and its screen is not open.
   */
  async callKeys(): Promise<CallKeySource | null> {
    if (!this.#socket && !this.#background) this.#connectInBackground();
    await Promise.race([this.#setUpOnce.promise, new Promise((resolve) => setTimeout(resolve, ANSWER_TIMEOUT_MS))]);
    await this.#untilSettled();
    const group = this.#room?.group;
    if (!group) return null;
    if (this.#keys?.group !== group) this.#keys = { group, source: new MlsCallKeySource(group) };
    const { source } = this.#keys;
    return {
      current: () => source.current(),
      subscribe: (listener) => {
        this.#keyUsers++;
        const stop = source.subscribe(listener);
        return () => {
          stop();
          this.#keyUsers--;
          this.#releaseBackground();
        };
      },
    };
  }

  #memberKey(): string {
    return [...(store.state.chats.find((c) => c.id === this.chatId)?.memberIds ?? [])].sort().join(",");
  }

  async #load(): Promise<void> {
    const [records, progress] = await Promise.all([chatHistory(this.chatId), chatProgress(this.chatId)]).catch(() => [[], undefined] as const);
    this.#records.clear();
    this.#relations.clear();
    for (const record of records) this.#remember(record);
    this.#progress ??= progress;
  }

  #remember(record: HistoryRecord): void {
    this.#records.set(record.id, record);
    if (record.relatesTo) {
      const list = (this.#relations.get(record.relatesTo.id) ?? []).filter((r) => r.id !== record.id);
      this.#relations.set(record.relatesTo.id, [...list, record]);
    }
  }

  #forget(ids: readonly string[]): void {
    for (const id of ids) {
      const record = this.#records.get(id);
      this.#records.delete(id);
      this.#relations.delete(id);
      if (record?.relatesTo)
        this.#relations.set(
          record.relatesTo.id,
          (this.#relations.get(record.relatesTo.id) ?? []).filter((r) => r.id !== id),
        );
    }
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  #epochOf(message: Message): bigint | undefined {
    if (!this.#epochs.has(message.id)) this.#epochs.set(message.id, message.mls ? messageEpoch(fromBase64url(message.mls)) : undefined);
    return this.#epochs.get(message.id);
  }

  /** Runs `step` after every step queued before it; `then` (handing a frame on) runs after it whatever happened. */
  #enqueue(step: () => Promise<void>, then?: () => void): void {
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#loaded;
        await step();
      } catch (error) {
        // A step that failed (the socket dropped mid-way, the server refused) leaves the group as it
        // was: the next connect sets it up again. Nothing of it reaches the screen as text.
        if (!(error instanceof RoomRefusal)) console.warn("encrypted chat step failed", error);
      } finally {
        then?.();
      }
    });
  }

  #untilSettled(): Promise<void> {
    return new Promise((resolve) => this.#enqueue(() => Promise.resolve(), resolve));
  }

  #transport() {
    return {
      send: (frame: RoomFrame) => {
        if (!this.#socket?.send(frame)) throw new Error("The chat's connection is not open");
      },
      next: (match: (frame: RoomFrame) => boolean) =>
        new Promise<RoomFrame>((resolve, reject) => {
          const waiter: Waiter = {
            match,
            resolve,
            reject,
            timer: setTimeout(() => {
              this.#waiters.delete(waiter);
              reject(new Error("The room did not answer"));
            }, ANSWER_TIMEOUT_MS),
          };
          this.#waiters.add(waiter);
        }),
    };
  }

  #failWaiters(reason: string): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.#waiters.clear();
  }

  #setStatus(status: EncryptionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.#changed();
  }

  /** Joins (or starts) the group, records where this device joined, and brings the group in step with the members. */
  async #setUp(): Promise<void> {
    if (!this.#device) {
      try {
        this.#device = await currentDevice();
      } catch {
        this.#setStatus("unavailable");
        this.#setUpOnce.resolve();
        return;
      }
    }
    this.#room ??= await EncryptedRoom.open(this.chatId, this.#device, this.#transport());
    const members = store.state.chats.find((c) => c.id === this.chatId)?.memberIds ?? [];
    const joined = await this.#room.ensureJoined({ startWith: members });
    const joinedEpoch = this.#room.joinedEpoch;
    if (joinedEpoch !== undefined && this.#progress?.joinedEpoch !== String(joinedEpoch)) {
      // Joined now (a Welcome, or the group started here): what came before is not this device's to read.
      this.#progress = { chatId: this.chatId, joinedEpoch: String(joinedEpoch), joinedAt: new Date().toISOString(), boundarySeq: null, processedSeq: 0 };
      await saveChatProgress(this.#progress);
      refillKeyPackages();
    } else if (joined && !this.#progress) {
      this.#progress = {
        chatId: this.chatId,
        joinedEpoch: String(this.#room.group?.epoch ?? 0n),
        joinedAt: new Date().toISOString(),
        boundarySeq: null,
        processedSeq: 0,
      };
      await saveChatProgress(this.#progress);
    }
    this.#setStatus(joined ? "joined" : "waiting");
    this.#setUpOnce.resolve();
    if (joined) {
      this.#sealHeld();
      await this.#reconcile();
    }
    await this.#afterCommits();
  }

  /**
   * Brings the group in step with the chat: leaves of departed members and of ended devices are
   * removed, then the members' devices the group lacks are added (a member added to the chat, a
   * new device). Whichever member device sees it first commits; the others find nothing left.
   */
  async #reconcile(): Promise<void> {
    const room = this.#room;
    const device = this.#device;
    const chat = store.state.chats.find((c) => c.id === this.chatId);
    if (!room?.group || !device || !chat?.memberIds) return;
    const members = new Set(chat.memberIds);
    const live = new Map<string, Set<string>>();
    await Promise.all(
      [...members].map(async (userId) => {
        const list = await ok(platform.api.v1.e2ee.users[":id"].devices.$get({ param: { id: userId } })).catch(() => null);
        if (list) live.set(userId, new Set(list.items.map((item) => item.id)));
      }),
    );
    this.#noteMembersWithoutDevice([...members].filter((userId) => userId !== store.state.me?.id && live.get(userId)?.size === 0));
    const gone = (group: NonNullable<typeof room.group>) =>
      group
        .members()
        .filter((m) => !members.has(m.userId) || (live.has(m.userId) && !live.get(m.userId)?.has(m.deviceId)))
        .map((m) => m.deviceId)
        .filter((id) => id !== device.deviceId);
    if (gone(room.group).length > 0) await room.commit(async (group) => (gone(group).length > 0 ? group.commitRemovingDevices(gone(group)) : null));
    const lacking = (group: NonNullable<typeof room.group>) => {
      const present = new Set(group.members().map((m) => m.deviceId));
      return [...live].filter(([, ids]) => [...ids].some((id) => !present.has(id) && id !== device.deviceId)).map(([userId]) => userId);
    };
    if (room.group && lacking(room.group).length > 0)
      await room.commit(async (group) => {
        const users = lacking(group);
        if (users.length === 0) return null;
        const present = new Set(group.members().map((m) => m.deviceId));
        const { items } = await ok(platform.api.v1.e2ee["key-packages"].claim.$post({ json: { userIds: users } }));
        const fresh = items.filter((item) => !present.has(item.deviceId));
        return fresh.length > 0 ? group.commitAdding(fresh) : null;
      });
    await this.#afterCommits();
  }

  #noteMembersWithoutDevice(userIds: string[]): void {
    if (userIds.join(",") === this.#withoutDevice.join(",")) return;
    this.#withoutDevice = userIds;
    this.#changed();
  }

  /** The group may have moved on (or ended for this device): call keys follow, the status too. */
  async #afterCommits(): Promise<void> {
    await this.#keys?.source.epochChanged();
    if (this.status === "joined" && !this.#room?.group) this.#setStatus("waiting");
  }

  /**
   * Opens what this device has not read yet, in the room's order: on joining, from where it
   * joined (found by going back through the newest messages until one sealed before its epoch);
   * after that, from the last message it read.
   */
  async #catchUp(): Promise<void> {
    const room = this.#room;
    const progress = this.#progress;
    if (!room?.group || !progress) return;
    if (progress.boundarySeq === null) {
      progress.boundarySeq = await this.#joiningPoint(BigInt(progress.joinedEpoch));
      progress.processedSeq = Math.max(progress.processedSeq, progress.boundarySeq);
      await saveChatProgress(progress);
      // What came before is known now: the new-device notice, and those messages' words.
      this.#changed();
    }
    const missed: Message[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(
        platform.api.v1.chats[":id"].messages.$get({
          param: { id: this.chatId },
          query: cursor ? { cursor, limit: String(PAGE) } : { after: String(progress.processedSeq), limit: String(PAGE) },
        }),
      );
      store.rememberPeople(page.people);
      missed.push(...(page.items as Message[]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    await this.#openAll(missed);
    const last = missed.at(-1);
    if (last) {
      progress.processedSeq = Math.max(progress.processedSeq, last.seq);
      await saveChatProgress(progress);
    }
  }

  /** The newest message sealed before `epoch` (0: none): where this device's reading starts. */
  async #joiningPoint(epoch: bigint): Promise<number> {
    let before: number | undefined;
    for (;;) {
      const page = await ok(
        platform.api.v1.chats[":id"].messages.$get({
          param: { id: this.chatId },
          query: before === undefined ? { limit: String(PAGE) } : { before: String(before), limit: String(PAGE) },
        }),
      );
      const items = page.items as Message[];
      for (const message of items) {
        const sealedAt = this.#epochOf(message);
        if (sealedAt !== undefined && sealedAt < epoch) return message.seq;
      }
      if (!page.nextCursor || items.length === 0) return 0;
      before = items.at(-1)?.seq;
    }
  }

  /** Opens stored messages (oldest first); this device's own come from what it kept when it sealed them. */
  async #openAll(messages: readonly Message[]): Promise<void> {
    const room = this.#room;
    if (!room) return;
    const fresh = messages.filter((message) => !this.#records.has(message.id) && !message.deletedAt && message.mls);
    if (fresh.length === 0) return;
    const outgoing = new Map((await outgoingOf(this.chatId)).map((record) => [record.clientId, record]));
    const own = (message: Message) => (message.senderId === store.state.me?.id ? outgoing.get(message.clientId) : undefined);
    const opened = await room.openInOrder(fresh, (index) => !own(fresh[index]!));
    const records = fresh.map((message, index) => {
      const mine = own(message);
      return mine ? this.#ownRecord(message, mine) : this.#recordOf(message, opened[index]!);
    });
    await this.#keep(records);
    await deleteOutgoing(fresh.flatMap((message) => (own(message) ? [message.clientId] : [])));
  }

  async #receive(message: Message): Promise<void> {
    if (this.#records.has(message.id) || message.deletedAt || !message.mls) return;
    const room = this.#room;
    let opened: OpenedMessage = { ok: false, reason: "before_joining" };
    if (room?.group) {
      const sealedAt = this.#epochOf(message);
      // A commit this socket has not relayed yet (it was reconnecting): catch up first.
      if (sealedAt !== undefined && sealedAt > room.group.epoch) await room.catchUp();
      opened = await room.open(message);
      await this.#afterCommits();
    }
    await this.#keep([this.#recordOf(message, opened)]);
    this.#advance(message.seq);
  }

  async #acknowledged(clientId: string, message: Message): Promise<void> {
    const sending = this.#sending.get(clientId);
    this.#sending.delete(clientId);
    if (sending && !this.#records.has(message.id)) {
      await this.#keep([this.#ownRecord(message, { clientId, chatId: this.chatId, payload: sending.payload, metadata: sending.metadata })]);
    }
    await deleteOutgoing([clientId]);
    sending?.settle?.resolve();
    this.#advance(message.seq);
  }

  async #updated(message: Message): Promise<void> {
    if (!message.deletedAt) return;
    // A deleted message goes from this device too, with its edits and reactions.
    const ids = [message.id, ...(this.#relations.get(message.id) ?? []).map((record) => record.id)];
    this.#forget(ids);
    await deleteHistory(this.chatId, ids);
  }

  #advance(seq: number): void {
    const progress = this.#progress;
    if (!progress || seq !== progress.processedSeq + 1) return;
    progress.processedSeq = seq;
    void saveChatProgress(progress);
  }

  #recordOf(message: Message, opened: OpenedMessage | { ok: false; reason: "skipped" }): HistoryRecord {
    const base = { chatId: this.chatId, id: message.id, seq: message.seq, senderId: message.senderId, createdAt: message.createdAt };
    // The payload names the sending device; a member could write another's name there, so it must match the room's sender.
    if (opened.ok && opened.payload.from.split(":")[0] === message.senderId) {
      const { text, files, reaction } = opened.payload;
      return {
        ...base,
        state: "opened",
        ...(text !== undefined ? { text } : {}),
        ...(files ? { files } : {}),
        ...(reaction ? { reaction } : {}),
        ...(message.relatesTo ? { relatesTo: message.relatesTo } : {}),
      };
    }
    const joined = this.#progress ? BigInt(this.#progress.joinedEpoch) : undefined;
    const sealedAt = this.#epochOf(message);
    const before = opened.ok === false && opened.reason === "before_joining";
    return {
      ...base,
      state: before || (joined !== undefined && sealedAt !== undefined && sealedAt < joined) ? "before_joining" : "undecryptable",
      ...(message.relatesTo ? { relatesTo: message.relatesTo } : {}),
    };
  }

  #ownRecord(message: Message, sent: OutgoingRecord): HistoryRecord {
    const { text, files, reaction } = sent.payload;
    return {
      chatId: this.chatId,
      id: message.id,
      seq: message.seq,
      senderId: message.senderId,
      createdAt: message.createdAt,
      state: "opened",
      ...(text !== undefined ? { text } : {}),
      ...(files ? { files } : {}),
      ...(reaction ? { reaction } : {}),
      ...(sent.metadata.relatesTo ? { relatesTo: sent.metadata.relatesTo } : {}),
    };
  }

  async #keep(records: HistoryRecord[]): Promise<void> {
    for (const record of records) this.#remember(record);
    await saveHistory(records);
    this.#updatePreview();
    this.#changed();
  }

  /** The chat list's line for this chat: its last message as this device reads it. */
  #updatePreview(): void {
    const last = store.state.chats.find((c) => c.id === this.chatId)?.lastMessage;
    const newest = [...this.#records.values()].filter((r) => !r.relatesTo && r.state === "opened").sort((a, b) => b.seq - a.seq)[0];
    for (const record of [newest, last ? this.#records.get(last.id) : undefined]) {
      if (record?.state !== "opened") continue;
      const text = previewOf(fold(record, this.#relations.get(record.id) ?? []));
      if (store.state.e2eePreviews[record.id] !== text) store.set({ e2eePreviews: { ...store.state.e2eePreviews, [record.id]: text } });
    }
  }

  async #seal(clientId: string): Promise<void> {
    const sending = this.#sending.get(clientId);
    if (!sending) return;
    const room = this.#room;
    if (!room?.group) {
      // Sent before this chat was first set up (opened a moment ago, its socket's hello not here
      // yet): it stays pending, and the channel hands it over again after the hello set the chat up.
      if (this.status === "starting" && !sending.settle) return;
      // Waiting to be added: a message stays pending until this device joins (an edit or a
      // reaction, which a person waits on, fails at once with words).
      if (this.status === "waiting" && !sending.settle) {
        this.#heldUntilJoined.add(clientId);
        return;
      }
      return this.#fail(clientId, NOT_IN_GROUP);
    }
    let sealed: string;
    try {
      await saveOutgoing({ clientId, chatId: this.chatId, payload: sending.payload, metadata: sending.metadata });
      sealed = await room.seal(sending.payload, sending.metadata);
    } catch {
      return this.#fail(clientId, COULD_NOT_SEAL);
    }
    // Not open: the channel sends it again on the next connect (a pending message), or the edit fails.
    const sent = this.#socket?.send({
      type: "mls.send",
      clientId,
      message: sealed,
      ...(sending.attachments.length > 0 ? { attachments: sending.attachments } : {}),
    });
    if (!sent && sending.settle) this.#fail(clientId, "Not connected: try again when the chat is back online.");
  }

  /** This device joined the group: what was sent while it waited is sealed now, in the order it was sent. */
  #sealHeld(): void {
    const held = [...this.#heldUntilJoined];
    this.#heldUntilJoined.clear();
    for (const clientId of held) this.#enqueue(() => this.#seal(clientId));
  }

  /** The room refused a send: after a stale epoch or a pending removal it is sealed again, else it fails with words. */
  async #refused(clientId: string, frame: ServerFrame): Promise<void> {
    const sending = this.#sending.get(clientId);
    const room = this.#room;
    if (!sending || !room) return;
    sending.attempts++;
    const code = String(frame.code);
    if (sending.attempts < SEND_ATTEMPTS && room.group && (code === "mls_stale_epoch" || code === "mls_removal_pending")) {
      if (code === "mls_stale_epoch") await room.catchUp();
      else {
        const deviceIds = (frame.deviceIds as string[] | undefined) ?? [];
        await room.commit(async (group) => {
          const leaves = group.members().filter((m) => deviceIds.includes(m.deviceId));
          return leaves.length > 0 ? group.commitRemovingDevices(leaves.map((m) => m.deviceId)) : null;
        });
      }
      await this.#afterCommits();
      return this.#seal(clientId);
    }
    if (code === "mls_sender_mismatch") {
      this.#setStatus("waiting");
      return this.#fail(clientId, NOT_IN_GROUP);
    }
    // The room's details for MLS refusals are for developers (they name epochs); a person gets words.
    this.#fail(clientId, code.startsWith("mls_") || typeof frame.detail !== "string" ? OUT_OF_STEP : frame.detail);
  }

  #fail(clientId: string, words: string): void {
    const sending = this.#sending.get(clientId);
    this.#sending.delete(clientId);
    void deleteOutgoing([clientId]);
    if (sending?.settle) sending.settle.reject(new Error(words));
    else this.#deliver({ type: "error", code: "e2ee_send_failed", detail: words, clientId });
  }

  #sendRelation(relation: MessageRelation, payload: Omit<MlsPayload, "from">): Promise<void> {
    return new Promise((resolve, reject) => {
      const clientId = newClientId();
      const timer = setTimeout(() => this.#fail(clientId, "The chat did not answer: try again."), ANSWER_TIMEOUT_MS);
      this.#sending.set(clientId, {
        payload,
        metadata: { relatesTo: relation },
        attachments: [],
        attempts: 0,
        settle: {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        },
      });
      this.#enqueue(() => this.#seal(clientId));
    });
  }

  /**
   * Reads what arrived while the chat is not on screen, so the chat list shows its last message
   * as a messenger does: over a socket of the chat's own, closed once nothing came for a while.
   * Nothing is marked read.
   */
  readInBackground(): void {
    if (this.#socket && !this.#background) return;
    this.#connectInBackground();
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#releaseBackground(), BACKGROUND_IDLE_MS);
  }

  /** The socket this chat opened itself closes, unless a call still uses the chat's keys. */
  #releaseBackground(): void {
    const background = this.#background;
    if (!background || this.#keyUsers > 0) return;
    background.stop();
    this.#background = null;
    if (this.#socket === background.socket) {
      this.#socket = null;
      this.#failWaiters("The chat's connection closed");
    }
  }

  #connectInBackground(): void {
    if (this.#background || this.#socket) return;
    // Only the encryption listens to this socket: its channel never gets a frame (no history is loaded for it).
    const room = platform.chat(this.chatId, { state: (state) => this.socketState(state) }, { intercept: (frame) => this.intercept(frame, () => undefined) });
    this.#background = { stop: () => room.stop(), socket: room.socket };
    this.#socket = room.socket;
    room.start();
  }

  #close(): void {
    clearTimeout(this.#idle);
    this.#background?.stop();
    this.#background = null;
    this.#socket = null;
    this.#failWaiters("Signed out");
    for (const stop of this.#stopWatching) stop();
    this.#listeners.clear();
  }
}

/** The chat list's words for a message: its text, else what it carries. */
export function previewOf(folded: FoldedMessage): string {
  if (folded.text) return folded.text;
  const file = folded.files[0];
  if (!file) return "";
  if (file.name?.startsWith("voice-message")) return "Voice message";
  return file.type?.startsWith("image/") ? "Photo" : (file.name ?? "File");
}

/** Fills the chat list's previews of encrypted chats from what this device read (on loading the list). */
export async function loadPreviews(chatIds: { id: string; lastMessageId: string | undefined }[]): Promise<void> {
  const found: Record<string, string> = {};
  for (const { id, lastMessageId } of chatIds) {
    if (!lastMessageId || store.state.e2eePreviews[lastMessageId] !== undefined) continue;
    const held = await historyOf(id, lastMessageId).catch(() => undefined);
    if (held?.record.state !== "opened") continue;
    found[lastMessageId] = previewOf(fold(held.record, held.relations));
  }
  if (Object.keys(found).length > 0) store.set({ e2eePreviews: { ...store.state.e2eePreviews, ...found } });
}
