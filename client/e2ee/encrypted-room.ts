import { fromBase64url, toBase64url } from "./bytes";
import type { MlsDevice } from "./device";
import type { MlsGroup, MlsPayload, PendingCommit, PublicMetadata } from "./group";

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

  private get joined(): MlsGroup {
    if (!this.current) throw new Error("This device is not in the chat's group yet");
    return this.current;
  }

  /**
   * Makes sure this device is in the group: from the store, else by a Welcome the room holds for
   * it, else (the chat's group does not exist yet: epoch -1) by starting it. False when the group
   * exists and this device has not been added yet (another member's device adds it).
   */
  async ensureJoined(): Promise<boolean> {
    if (this.current) return true;
    this.transport.send({ type: "mls.welcomes" });
    const { items } = (await this.answer("mls.welcomes")) as unknown as { items: { id: number; welcome: string }[] };
    for (const item of items) {
      try {
        this.current = await this.device.joinGroup(fromBase64url(item.welcome));
      } catch {
        continue; // a Welcome for a key package this device no longer holds
      } finally {
        this.transport.send({ type: "mls.welcome.ack", id: item.id });
      }
      // Commits ordered after the Welcome's epoch are applied next.
      await this.catchUp();
      return true;
    }
    this.transport.send({ type: "mls.commits", since: 0 });
    const { epoch } = (await this.answer("mls.commits")) as unknown as { epoch: number };
    if (epoch >= 0) return false;
    this.current = await this.device.createGroup(this.chatId);
    return true;
  }

  /** Applies the commits the room ordered since this device's epoch. */
  async catchUp(): Promise<void> {
    const group = this.joined;
    this.transport.send({ type: "mls.commits", since: Number(group.epoch) });
    const { items } = (await this.answer("mls.commits")) as unknown as { items: { epoch: number; commit: string }[] };
    for (const item of items) if (BigInt(item.epoch) === group.epoch) await group.process(fromBase64url(item.commit));
  }

  /** Applies a commit the room relayed (`mls.commit`); one for an epoch this device is past (or before its joining) is skipped. */
  async applyCommit(frame: { epoch: number; commit: string }): Promise<void> {
    const group = this.joined;
    if (BigInt(frame.epoch) !== group.epoch) return;
    await group.process(fromBase64url(frame.commit));
  }

  /** Adds every live device of `userIds` not in the group yet (members and this user's other devices). */
  addUsers(userIds: string[]): Promise<PendingCommit> {
    return this.commit((group) => group.commitAddingUsers(userIds));
  }

  /** Removes the leaves of these devices (a departed member's, or ended devices). */
  removeDevices(deviceIds: string[]): Promise<PendingCommit> {
    return this.commit((group) => group.commitRemovingDevices(deviceIds));
  }

  removeUsers(userIds: string[]): Promise<PendingCommit> {
    return this.commit((group) => group.commitRemovingUsers(userIds));
  }

  /** A commit made by `make`, sent until the room takes it: a stale epoch means catching up and making it again. */
  commit(make: (group: MlsGroup) => Promise<PendingCommit>): Promise<PendingCommit> {
    return this.joined.commitInOrder(
      make,
      async (pending) => {
        this.transport.send({
          type: "mls.commit",
          commit: toBase64url(pending.commit),
          ...(pending.welcome ? { welcome: toBase64url(pending.welcome) } : {}),
        });
        const answer = await this.transport.next((f) => f.type === "mls.commit.ack" || f.type === "error");
        if (answer.type === "mls.commit.ack") return true;
        if (answer.code === "mls_stale_epoch") return false;
        throw refusalOf(answer);
      },
      () => this.catchUp(),
    );
  }

  /** Seals a message and sends it (`mls.send`); resolves with the stored message's `message.ack`. */
  async send(payload: Omit<MlsPayload, "from">, metadata: PublicMetadata = {}, clientId = `e2ee-${crypto.randomUUID()}`): Promise<RoomFrame> {
    const sealed = await this.joined.encrypt(payload, metadata);
    this.transport.send({ type: "mls.send", clientId, message: toBase64url(sealed) });
    const answer = await this.transport.next((f) => (f.type === "message.ack" || f.type === "error") && f.clientId === clientId);
    if (answer.type === "error") throw refusalOf(answer);
    return answer;
  }

  /** Opens a message of the chat (`message.new`, or history): a device cannot read what was sent before it joined. */
  async open(message: { mls?: string }): Promise<OpenedMessage> {
    if (!this.current || !message.mls) return { ok: false, reason: "before_joining" };
    try {
      const incoming = await this.current.process(fromBase64url(message.mls));
      return incoming.kind === "message" ? { ok: true, payload: incoming.payload, metadata: incoming.metadata } : { ok: false, reason: "undecryptable" };
    } catch {
      return { ok: false, reason: "undecryptable" };
    }
  }

  private async answer(type: string): Promise<RoomFrame> {
    const frame = await this.transport.next((f) => f.type === type || (f.type === "error" && typeof f.code === "string" && f.code.startsWith("mls_")));
    if (frame.type === "error") throw refusalOf(frame);
    return frame;
  }
}
