import { fromBase64url, toBase64url } from "./bytes";
import type { MlsDevice } from "./device";
import { type MlsGroup, type MlsPayload, messageEpoch, type PendingCommit, type PublicMetadata } from "./group";

/** A frame of the chat socket, as JSON. */
export type RoomFrame = { type: string } & Record<string, unknown>;

/** The chat socket as an encrypted chat needs it: send a frame, wait for the room's answer. */
export interface RoomTransport {
  send(frame: RoomFrame): void;
  /** The next frame from the room that `match` accepts (frames are not consumed by anyone else). */
  next(match: (frame: RoomFrame) => boolean): Promise<RoomFrame>;
}

/** The room refused a frame (`error` with an `mls_*` or other code). */
export class RoomRefusal extends Error {
  constructor(
    readonly code: string,
    detail: string,
    readonly epoch?: number,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** A message of an encrypted chat as this device reads it. */
export type OpenedMessage = { ok: true; payload: MlsPayload; metadata: PublicMetadata } | { ok: false; reason: "before_joining" | "undecryptable" };

/** A refusal of a handshake frame: the `error` frames that name no message (`clientId`) nor target (`id`). */
const handshakeRefusal = (frame: RoomFrame) => frame.type === "error" && frame.clientId === undefined && frame.id === undefined;

const refusalOf = (frame: RoomFrame) =>
  new RoomRefusal(String(frame.code), String(frame.detail ?? ""), typeof frame.epoch === "number" ? frame.epoch : undefined);

/**
 * One encrypted chat on this device, over the room's socket (docs/socket-protocols.md,
 * "Encrypted chats"): it starts the group or joins it by the Welcome the room keeps, commits in
 * the room's order (retrying on `mls_stale_epoch` after catching up), applies the commits the
 * room relays, and seals and opens messages. The group state lives in the device's store.
 */
export class EncryptedRoom {
  private constructor(
    readonly chatId: string,
    private readonly device: MlsDevice,
    private readonly transport: RoomTransport,
    private current: MlsGroup | undefined,
  ) {}

  /** The chat's room on this device, with the group the store holds (none before it joins or starts it). */
  static async open(chatId: string, device: MlsDevice, transport: RoomTransport): Promise<EncryptedRoom> {
    return new EncryptedRoom(chatId, device, transport, await device.group(chatId));
  }

  get group(): MlsGroup | undefined {
    return this.current;
  }

  /**
   * The epoch this device joined the group at, when it joined (by a Welcome) or started it in this
   * room's lifetime; undefined when the group came from the store. Messages of earlier epochs were
   * sent before it joined: it never holds their keys.
   */
  joinedEpoch: bigint | undefined;

  private get joined(): MlsGroup {
    if (!this.current) throw new Error("This device is not in the chat's group yet");
    return this.current;
  }

  /**
   * Makes sure this device is in the group: by a Welcome the room holds for it (first, so a
   * member removed and added again joins anew), else from the store, else, when the chat's
   * group does not exist yet (epoch -1), by starting it. False when the group exists and this
   * device has not been added yet (another member's device adds it).
   *
   * `startWith`: the users whose devices a group started here adds in its first commit, at once.
   * When another device started the group first, the room refuses that commit as stale: this
   * device drops its own group and answers false (the other device's first commit added it, so a
   * Welcome follows). Without it the group is started with this device alone and the caller adds.
   */
  async ensureJoined(options: { startWith?: string[] } = {}): Promise<boolean> {
    this.transport.send({ type: "mls.welcomes" });
    const { items } = (await this.answer("mls.welcomes")) as unknown as { items: { id: number; epoch: number; welcome: string }[] };
    for (const item of items) {
      // A Welcome this device no longer needs (it is at that epoch or past it) is only acknowledged.
      if (this.current && !this.current.removed && BigInt(item.epoch) <= this.current.epoch) {
        this.transport.send({ type: "mls.welcome.ack", id: item.id });
        continue;
      }
      // A Welcome for a key package this device no longer holds joins nothing.
      const joined = await this.device.joinGroup(fromBase64url(item.welcome)).catch(() => undefined);
      // Joining spent the key package and stored the group: the group is this room's before the
      // acknowledgement is sent, which throws when the socket dropped meanwhile. The next try
      // finds the Welcome again and only acknowledges it (this device is at its epoch).
      if (joined) {
        this.current = joined;
        this.joinedEpoch = joined.epoch;
      }
      this.transport.send({ type: "mls.welcome.ack", id: item.id });
      if (!joined) continue;
      // Commits ordered after the Welcome's epoch are applied next.
      await this.catchUp();
      return this.current !== undefined;
    }
    if (this.current) {
      await this.catchUp();
      if (this.current) return true;
    }
    this.transport.send({ type: "mls.commits", since: 0 });
    const { epoch } = (await this.answer("mls.commits")) as unknown as { epoch: number };
    if (epoch >= 0) return false;
    const group = await this.device.createGroup(this.chatId);
    this.current = group;
    this.joinedEpoch = group.epoch;
    if (!options.startWith) return true;
    const first = await group.commitAddingUsers(options.startWith);
    if (await this.sendCommit(first)) {
      await first.accept();
      return true;
    }
    await this.device.forgetGroup(this.chatId);
    this.current = undefined;
    this.joinedEpoch = undefined;
    return false;
  }

  /** Applies the commits the room ordered since this device's epoch (a commit that removed this device ends its group here). */
  async catchUp(): Promise<void> {
    const group = this.joined;
    this.transport.send({ type: "mls.commits", since: Number(group.epoch) });
    const { items } = (await this.answer("mls.commits")) as unknown as { items: { epoch: number; commit: string }[] };
    for (const item of items) if (BigInt(item.epoch) === group.epoch && !group.removed) await group.process(fromBase64url(item.commit));
    await this.dropIfRemoved();
  }

  /** Applies a commit the room relayed (`mls.commit`); one for an epoch this device is past (or before its joining) is skipped. */
  async applyCommit(frame: { epoch: number; commit: string }): Promise<void> {
    const group = this.current;
    if (!group || group.removed || BigInt(frame.epoch) !== group.epoch) return;
    await group.process(fromBase64url(frame.commit));
    await this.dropIfRemoved();
  }

  /**
   * Opens messages the room stored, oldest first, applying before each one the commits the room
   * ordered up to the epoch it was sealed at: a device that was away catches up epoch by epoch,
   * so it holds each epoch's keys when it opens that epoch's messages. `shouldOpen` false leaves a
   * message unopened (this device's own: MLS gives a sender no way to open what it sealed). The
   * commits after the last message are applied too. Each answer carries the message's epoch.
   */
  async openInOrder(
    messages: readonly { mls?: string }[],
    shouldOpen: (index: number) => boolean = () => true,
  ): Promise<(OpenedMessage | { ok: false; reason: "skipped" })[]> {
    const group = this.current;
    if (!group) return messages.map(() => ({ ok: false, reason: "before_joining" }) as const);
    this.transport.send({ type: "mls.commits", since: Number(group.epoch) });
    const { items } = (await this.answer("mls.commits")) as unknown as { items: { epoch: number; commit: string }[] };
    const commits = new Map(items.map((item) => [BigInt(item.epoch), item.commit]));
    const advanceTo = async (epoch: bigint) => {
      for (let next = commits.get(group.epoch); next !== undefined && group.epoch < epoch && !group.removed; next = commits.get(group.epoch))
        await group.process(fromBase64url(next));
    };
    const opened: (OpenedMessage | { ok: false; reason: "skipped" })[] = [];
    for (const [index, message] of messages.entries()) {
      const bytes = message.mls ? fromBase64url(message.mls) : undefined;
      const epoch = bytes ? messageEpoch(bytes) : undefined;
      if (!bytes || epoch === undefined) {
        opened.push({ ok: false, reason: "undecryptable" });
        continue;
      }
      await advanceTo(epoch);
      if (!shouldOpen(index)) {
        opened.push({ ok: false, reason: "skipped" });
        continue;
      }
      opened.push(group.removed ? { ok: false, reason: "undecryptable" } : await this.openBytes(group, bytes));
    }
    await advanceTo(BigInt(Number.MAX_SAFE_INTEGER));
    await this.dropIfRemoved();
    return opened;
  }

  /** Adds every live device of `userIds` not in the group yet (members and this user's other devices). */
  addUsers(userIds: string[]): Promise<PendingCommit | null> {
    return this.commit((group) => group.commitAddingUsers(userIds));
  }

  /** Removes the leaves of these devices (a departed member's, or ended devices). */
  removeDevices(deviceIds: string[]): Promise<PendingCommit | null> {
    return this.commit((group) => group.commitRemovingDevices(deviceIds));
  }

  removeUsers(userIds: string[]): Promise<PendingCommit | null> {
    return this.commit((group) => group.commitRemovingUsers(userIds));
  }

  /**
   * A commit made by `make`, sent until the room takes it: a stale epoch means catching up and
   * making it again. `make` answers null when there is nothing to commit on the epoch it sees
   * (another device committed the change first); so does this.
   */
  async commit(make: (group: MlsGroup) => Promise<PendingCommit | null>): Promise<PendingCommit | null> {
    const pending = await this.joined.commitInOrder(
      make,
      (pending) => this.sendCommit(pending),
      () => this.catchUp(),
    );
    await this.dropIfRemoved();
    return pending;
  }

  /** Seals a message for `mls.send` (base64url), at the group's current epoch. */
  async seal(payload: Omit<MlsPayload, "from">, metadata: PublicMetadata = {}): Promise<string> {
    return toBase64url(await this.joined.encrypt(payload, metadata));
  }

  /** Seals a message and sends it (`mls.send`); resolves with the stored message's `message.ack`. */
  async send(payload: Omit<MlsPayload, "from">, metadata: PublicMetadata = {}, clientId = `e2ee-${crypto.randomUUID()}`): Promise<RoomFrame> {
    const sealed = await this.seal(payload, metadata);
    this.transport.send({ type: "mls.send", clientId, message: sealed });
    const answer = await this.transport.next((f) => (f.type === "message.ack" || f.type === "error") && f.clientId === clientId);
    if (answer.type === "error") throw refusalOf(answer);
    return answer;
  }

  /** Opens a message of the chat (`message.new`, or history): a device cannot read what was sent before it joined. */
  async open(message: { mls?: string }): Promise<OpenedMessage> {
    if (!this.current || !message.mls) return { ok: false, reason: "before_joining" };
    return this.openBytes(this.current, fromBase64url(message.mls));
  }

  private async openBytes(group: MlsGroup, bytes: Uint8Array): Promise<OpenedMessage> {
    try {
      const incoming = await group.process(bytes);
      return incoming.kind === "message" ? { ok: true, payload: incoming.payload, metadata: incoming.metadata } : { ok: false, reason: "undecryptable" };
    } catch {
      return { ok: false, reason: "undecryptable" };
    }
  }

  /** Sends a commit (with its Welcome); true when the room took it, false when it was stale. */
  private async sendCommit(pending: PendingCommit): Promise<boolean> {
    this.transport.send({
      type: "mls.commit",
      commit: toBase64url(pending.commit),
      ...(pending.welcome ? { welcome: toBase64url(pending.welcome) } : {}),
    });
    const answer = await this.transport.next((f) => f.type === "mls.commit.ack" || handshakeRefusal(f));
    if (answer.type === "mls.commit.ack") return true;
    if (answer.code === "mls_stale_epoch") return false;
    throw refusalOf(answer);
  }

  /** A commit removed this device: its group state opens nothing more, and is forgotten. */
  private async dropIfRemoved(): Promise<void> {
    if (!this.current?.removed) return;
    this.current = undefined;
    await this.device.forgetGroup(this.chatId);
  }

  private async answer(type: string): Promise<RoomFrame> {
    const frame = await this.transport.next((f) => f.type === type || handshakeRefusal(f));
    if (frame.type === "error") throw refusalOf(frame);
    return frame;
  }
}
