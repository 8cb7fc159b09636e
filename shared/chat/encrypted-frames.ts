import type { GroupPolicy, MlsDeliveryService, MlsRefusalCode, RoomDevice } from "../e2ee/delivery-service";
import { liveMlsDeviceIds, sessionMlsDevice } from "../e2ee/devices";
import type { ErrorCode } from "../http/errors";
import { base64url, fromBase64url } from "../ids";
import type { Principal } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { isEncryptedChat, memberIdsOf } from "./chats";
import { MessageRelationSchema } from "./message-relation";
import { MAX_MENTIONS, MessageId, type NewMessage } from "./message-rules";
import type { EncryptedClientFrame } from "./mls-frames";

type HandshakeFrame = Exclude<EncryptedClientFrame, { type: "mls.send" }>;

/** A refusal as the room answers it: the error frame's code and detail, and the group's epoch. */
export interface EncryptedRefusal {
  ok: false;
  code: MlsRefusalCode | Extract<ErrorCode, "mls_chat_encrypted" | "mls_chat_not_encrypted" | "mls_device_missing">;
  detail: string;
  epoch: number;
  /** `mls_removal_pending`, `mls_removal_missing`: the devices whose leaves a commit must remove. */
  deviceIds?: string[];
}

/** What the room needs to do with a frame's answer: reply to the socket, tell everyone else, or the sockets of some users. */
export interface EncryptedRoomHost {
  chatId: string;
  now(): number;
  reply(text: string): void;
  toOthers(text: string): void;
  toUsers(userIds: readonly string[], text: string): void;
}

/**
 * The MLS Delivery Service's module (ts-mls, HPKE and their ciphers), loaded by the first
 * encrypted chat an isolate holds: every other room never evaluates it, which keeps the realtime
 * isolate's heap (what each full collection marks) and its startup smaller.
 */
let deliveryService: Promise<typeof import("../e2ee/delivery-service")> | undefined;
const loadDeliveryService = () => (deliveryService ??= import("../e2ee/delivery-service"));

/** How long the room trusts what it read of the members' live devices before reading it again (sessions may end elsewhere). */
const POLICY_TTL_MS = 5_000;

/**
 * The chat room's encrypted-chat duties (docs/e2ee.md): it answers the `mls.*` frames through the
 * room's `MlsDeliveryService` (ordering commits, keeping Welcomes) and checks application
 * messages before the room stores them like any message, as ciphertext (`mls`) with empty text.
 * Who may be in the group (members, their live devices) is read from D1 and kept for a moment;
 * the room forgets it whenever members or sessions change.
 */
export class EncryptedFrames {
  #encrypted: boolean | undefined;
  #service: MlsDeliveryService | undefined;
  #serviceClass: typeof MlsDeliveryService | undefined;
  #policy: { read: number; members: Set<string>; devices: Set<string> } | undefined;
  readonly #devices = new Map<string, RoomDevice | null>();

  constructor(
    private readonly deps: Deps,
    private readonly sql: SqlStorage,
    private readonly chatId: string,
  ) {}

  /** Whether the chat is encrypted (read from D1; once true it stays true: encryption is never turned off); an encrypted chat's Delivery Service is loaded with the answer. */
  async encrypted(): Promise<boolean> {
    if (this.#encrypted === undefined) {
      const encrypted = await isEncryptedChat(this.deps, this.chatId);
      if (encrypted) this.#serviceClass ??= (await loadDeliveryService()).MlsDeliveryService;
      this.#encrypted = encrypted;
    }
    return this.#encrypted;
  }

  /** A plain message, edit or reaction in an encrypted chat: refused, so nothing readable reaches the log. */
  async refusePlain(): Promise<EncryptedRefusal | null> {
    if (!(await this.encrypted())) return null;
    return { ok: false, code: "mls_chat_encrypted", detail: "This chat is end-to-end encrypted: send MLS messages (`mls.send`)", epoch: this.service.epoch };
  }

  /** Members, sessions or the chat's encryption changed: read who may be in the group, and whether it is encrypted, again. */
  forget(): void {
    this.#policy = undefined;
    this.#devices.clear();
    // A plain chat may have turned encryption on (POST /v1/chats/:id/encryption): read it again.
    if (this.#encrypted === false) this.#encrypted = undefined;
  }

  /** The chat was deleted: its group went with the room's storage. */
  clear(): void {
    this.forget();
    this.#service = undefined;
  }

  /** Only once `encrypted()` said yes (which loaded the class). */
  private get service(): MlsDeliveryService {
    if (!this.#serviceClass) throw new Error(`chat ${this.chatId}: the MLS Delivery Service is used before the chat was found encrypted`);
    this.#service ??= new this.#serviceClass(this.sql, this.chatId);
    return this.#service;
  }

  /**
   * Checks an application message for the room to store: the socket's device holds a leaf, the
   * message is this group's at the current epoch and no removal is pending. The reply and mention
   * ids are the ones the message's authenticated data binds to the ciphertext.
   */
  async checkSend(
    principal: Principal,
    frame: Extract<EncryptedClientFrame, { type: "mls.send" }>,
  ): Promise<EncryptedRefusal | { ok: true; message: NewMessage }> {
    const ready = await this.ready(principal, false);
    if (!ready.ok) return ready;
    let bytes: Uint8Array;
    try {
      bytes = fromBase64url(frame.message);
    } catch {
      return this.refusal("mls_not_mls", "The message is not base64url");
    }
    const checked = this.service.checkApplication(bytes, ready.device, ready.policy);
    if (!checked.ok) return checked;
    const metadata = readMetadata(checked.authenticatedData);
    const attachments = frame.attachments && frame.attachments.length > 0 ? { attachments: frame.attachments } : {};
    return { ok: true, message: { clientId: frame.clientId, text: "", mls: frame.message, ...attachments, ...metadata } };
  }

  /** Answers a handshake frame: a commit, catching up, Welcomes. */
  async handle(principal: Principal, frame: HandshakeFrame, host: EncryptedRoomHost): Promise<EncryptedRefusal | null> {
    const ready = await this.ready(principal, frame.type === "mls.commit");
    if (!ready.ok) return ready;
    const { device, policy } = ready;
    switch (frame.type) {
      case "mls.commit": {
        const from = this.service.epoch;
        const welcome = frame.welcome === undefined ? undefined : fromBase64url(frame.welcome);
        const ordered = this.service.submitCommit(fromBase64url(frame.commit), welcome, device, policy, host.now());
        if (!ordered.ok) return ordered;
        // Stored before these frames leave (output gate): every member processes commits in the order the room took them.
        host.reply(JSON.stringify({ type: "mls.commit.ack", epoch: ordered.epoch }));
        host.toOthers(JSON.stringify({ type: "mls.commit", epoch: Math.max(from, 0), commit: frame.commit }));
        // The added devices' sockets in this room (if any) learn that a Welcome waits; the others ask with `mls.welcomes` when they open the chat.
        const byUser = new Map<string, string[]>();
        for (const added of ordered.added) byUser.set(added.userId, [...(byUser.get(added.userId) ?? []), added.deviceId]);
        for (const [userId, deviceIds] of byUser) host.toUsers([userId], JSON.stringify({ type: "mls.welcome.available", deviceIds, epoch: ordered.epoch }));
        return null;
      }
      case "mls.commits":
        host.reply(
          JSON.stringify({
            type: "mls.commits",
            epoch: this.service.epoch,
            items: this.service.commitsSince(frame.since).map((commit) => ({ epoch: commit.epoch, commit: base64url(commit.bytes) })),
          }),
        );
        return null;
      case "mls.welcomes": {
        const items = this.service.welcomesFor(device.deviceId).map((welcome) => ({ id: welcome.id, epoch: welcome.epoch, welcome: base64url(welcome.bytes) }));
        host.reply(JSON.stringify({ type: "mls.welcomes", items }));
        // A device of a member that the group does not hold and no Welcome waits for (a new device,
        // or one whose Welcome was lost): the members' devices in the room are asked to add it.
        if (items.length === 0 && this.service.epoch >= 0 && !this.service.holdsLeaf(device.deviceId))
          host.toOthers(JSON.stringify({ type: "mls.device.waiting", userId: device.userId, deviceId: device.deviceId, epoch: this.service.epoch }));
        return null;
      }
      case "mls.welcome.ack":
        this.service.acknowledgeWelcome(device.deviceId, frame.id);
        return null;
    }
  }

  /** The socket's device and who may be in the group, or why the frame is refused. */
  private async ready(principal: Principal, fresh: boolean): Promise<EncryptedRefusal | { ok: true; device: RoomDevice; policy: GroupPolicy }> {
    if (!(await this.encrypted())) return this.refusal("mls_chat_not_encrypted", "This chat is not end-to-end encrypted");
    const device = await this.deviceOf(principal);
    if (!device) return this.refusal("mls_device_missing", "This session has no MLS device: register one (POST /v1/e2ee/devices)");
    return { ok: true, device, policy: await this.policy(fresh) };
  }

  private async deviceOf(principal: Principal): Promise<RoomDevice | null> {
    if (!this.#devices.has(principal.sessionId)) {
      const device = await sessionMlsDevice(this.deps, principal.sessionId);
      // A session registers its device after it may have opened the socket: only a found one is kept.
      if (!device) return null;
      this.#devices.set(principal.sessionId, { userId: device.userId, deviceId: device.id });
    }
    return this.#devices.get(principal.sessionId) ?? null;
  }

  /** The chat's members and their live devices; read again for every commit (`fresh`) and at most every POLICY_TTL_MS for messages. */
  private async policy(fresh: boolean): Promise<GroupPolicy> {
    const now = this.deps.clock.now();
    if (fresh || !this.#policy || now - this.#policy.read >= POLICY_TTL_MS) {
      const members = await memberIdsOf(this.deps, this.chatId);
      this.#policy = { read: now, members: new Set(members), devices: await liveMlsDeviceIds(this.deps, members) };
    }
    const { members, devices } = this.#policy;
    return { isMember: (userId) => members.has(userId), isLiveDevice: (deviceId) => devices.has(deviceId) };
  }

  private refusal(code: EncryptedRefusal["code"], detail: string): EncryptedRefusal {
    return { ok: false, code, detail, epoch: this.#encrypted ? this.service.epoch : -1 };
  }
}

/**
 * The reply and mention ids an application message's authenticated data carries
 * (`{"replyTo"?, "mentions"?, "relatesTo"?}` as JSON, client/e2ee/group.ts): what the server may
 * read to notify, or, for an edit or a reaction, the message it changes (then no reply nor
 * mention: an edit or a reaction notifies nobody). Anything else there is ignored.
 */
function readMetadata(bytes: Uint8Array): Pick<NewMessage, "replyTo" | "mentions" | "relatesTo"> {
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
  if (typeof value !== "object" || value === null) return {};
  const { replyTo, mentions, relatesTo } = value as Record<string, unknown>;
  const relation = MessageRelationSchema.safeParse(relatesTo);
  if (relation.success && MessageId.safeParse(relation.data.id).success) return { relatesTo: relation.data };
  const out: Pick<NewMessage, "replyTo" | "mentions"> = {};
  if (MessageId.safeParse(replyTo).success) out.replyTo = replyTo as string;
  if (Array.isArray(mentions)) out.mentions = mentions.filter((id): id is string => typeof id === "string" && id.length <= 64).slice(0, MAX_MENTIONS);
  return out;
}
