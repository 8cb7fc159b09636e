import {
  type CiphersuiteImpl,
  type ClientState,
  createApplicationMessage,
  createCommit,
  decodeGroupState,
  decodeMlsMessage,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  mlsExporter,
  type Proposal,
  processPrivateMessage,
  processPublicMessage,
} from "ts-mls";
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import { fromBase64url, fromUtf8, utf8 } from "./bytes";
import type { ClaimedKeyPackage, E2eeServer } from "./server";
import type { E2eeStore } from "./store";

/**
 * What travels inside an application message (encrypted): the words and the keys of attached
 * files; for an edit (`relatesTo.kind` "edit") the new words, for a reaction the emoji added or
 * taken back.
 */
export interface MlsPayload {
  /** The sender's device identity `<userId>:<deviceId>`, for the reader to match with the room's sender. */
  from: string;
  text?: string;
  files?: EncryptedFileKey[];
  reaction?: { emoji: string; remove?: boolean };
}

/** The key of one encrypted file (docs/e2ee.md, "Files"): R2 holds only the ciphertext. */
export interface EncryptedFileKey {
  fileId: string;
  /** AES-256-GCM key, base64url. */
  key: string;
  /** The 12-byte IV, base64url. */
  iv: string;
  /** SHA-256 of the plaintext, hex: checked after decryption. */
  sha256: string;
  name?: string;
  type?: string;
  size?: number;
  /** A voice message's length and loudness (one base-32 digit per slice): inside the payload, not on the server. */
  durationMs?: number;
  waveform?: string;
}

/**
 * What the server may read of an application message: ids it needs to notify, sent in the clear
 * as MLS `authenticated_data`, so the AEAD binds them to the ciphertext and nobody changes them.
 */
export interface PublicMetadata {
  replyTo?: string;
  mentions?: string[];
  /**
   * An edit or a reaction: the message it changes. The server stores it in the chat's order but
   * does not push it or show it as the chat's last message; readers fold it into its target (as
   * Matrix's m.replace and m.annotation relations).
   */
  relatesTo?: MessageRelation;
}

export interface MessageRelation {
  kind: "edit" | "reaction";
  id: string;
}

/** A commit made but not yet ordered by the room: `accept` applies it once the room took it. */
export interface PendingCommit {
  /** The MLSMessage (PublicMessage) to send to the room. */
  commit: Uint8Array;
  /** The Welcome for added devices, if any. */
  welcome?: Uint8Array;
  /** The epoch the commit is for (the room refuses it when its group has moved on). */
  epoch: bigint;
  accept(): Promise<void>;
}

export type Incoming = { kind: "handshake"; epoch: bigint } | { kind: "message"; payload: MlsPayload; metadata: PublicMetadata; epoch: bigint };

export interface GroupContextDeps {
  cs: CiphersuiteImpl;
  store: E2eeStore;
  server: E2eeServer;
  self: { userId: string; deviceId: string };
}

/** One member leaf of the group, by the credential its device signed. */
export interface GroupMember {
  leafIndex: number;
  userId: string;
  deviceId: string;
}

/** The MLS group of one encrypted chat on this device. Every change is saved to the store. */
export class MlsGroup {
  constructor(
    readonly chatId: string,
    private state: ClientState,
    private readonly deps: GroupContextDeps,
  ) {}

  get epoch(): bigint {
    return this.state.groupContext.epoch;
  }

  /** This device's leaf index: its sender index in call keys (RFC 9605 §5.2). */
  get ownLeafIndex(): number {
    return this.state.privatePath.leafIndex;
  }

  /** A commit removed this device from the group: its state opens nothing from then on. */
  get removed(): boolean {
    return this.state.groupActiveState.kind === "removedFromGroup";
  }

  /** Leaves in the ratchet tree, blank ones included: every leaf index is below it. */
  get leafCount(): number {
    return (this.state.ratchetTree.length + 1) / 2;
  }

  /** Every leaf and the device it belongs to. */
  members(): GroupMember[] {
    const members: GroupMember[] = [];
    this.state.ratchetTree.forEach((node, nodeIndex) => {
      if (node?.nodeType !== "leaf" || node.leaf.credential.credentialType !== "basic") return;
      const [userId, deviceId] = fromUtf8(node.leaf.credential.identity).split(":");
      if (userId && deviceId) members.push({ leafIndex: nodeIndex / 2, userId, deviceId });
    });
    return members;
  }

  /**
   * A commit adding every live device of `userIds` that is not in the group yet (one key package
   * each, claimed from the server), plus the caller's own other devices when `userIds` names them.
   */
  async commitAddingUsers(userIds: string[]): Promise<PendingCommit> {
    const present = new Set(this.members().map((m) => m.deviceId));
    // Adding nobody is an empty commit (a new epoch, fresh keys); the server takes no empty claim.
    const { items } = userIds.length > 0 ? await this.deps.server.claimKeyPackages(userIds) : { items: [] };
    return this.commitAdding(items.filter((item) => !present.has(item.deviceId)));
  }

  /** A commit adding the devices of claimed key packages. */
  async commitAdding(claimed: ClaimedKeyPackage[]): Promise<PendingCommit> {
    const proposals: Proposal[] = claimed.map((item) => {
      const decoded = decodeMlsMessage(fromBase64url(item.keyPackage), 0)?.[0];
      if (decoded?.wireformat !== "mls_key_package") throw new Error("A claimed key package does not decode");
      return { proposalType: "add", add: { keyPackage: decoded.keyPackage } };
    });
    return this.commit(proposals);
  }

  /** A commit removing the leaves of `deviceIds` (a departed member's, or ended devices). */
  async commitRemovingDevices(deviceIds: readonly string[]): Promise<PendingCommit> {
    const leaves = this.members().filter((m) => deviceIds.includes(m.deviceId));
    return this.commit(leaves.map((m) => ({ proposalType: "remove", remove: { removed: m.leafIndex } })));
  }

  /** A commit removing every leaf of `userIds`. */
  async commitRemovingUsers(userIds: readonly string[]): Promise<PendingCommit> {
    return this.commitRemovingDevices(
      this.members()
        .filter((m) => userIds.includes(m.userId))
        .map((m) => m.deviceId),
    );
  }

  /** An empty commit (a path update): new keys for everyone, e.g. after a suspected compromise. */
  async commitUpdate(): Promise<PendingCommit> {
    return this.commit([]);
  }

  /**
   * Sends a commit made by `make` through `send` until the room takes it: when the room says
   * the epoch is stale (`send` answers false), `catchUp` processes what the room ordered first
   * and the commit is made again on the new epoch (at most `attempts` times).
   */
  async commitInOrder(
    make: (group: MlsGroup) => Promise<PendingCommit | null>,
    send: (pending: PendingCommit) => Promise<boolean>,
    catchUp: () => Promise<void>,
    attempts = 5,
  ): Promise<PendingCommit | null> {
    for (let attempt = 1; ; attempt++) {
      // `make` answers null when, on this epoch, there is nothing left to commit (another device did it).
      const pending = await make(this);
      if (!pending) return null;
      if (await send(pending)) {
        await pending.accept();
        return pending;
      }
      if (attempt >= attempts) throw new Error(`The room refused the commit ${attempts} times as stale`);
      await catchUp();
    }
  }

  /** Processes a handshake message (commit or proposal, from the room in order) or an application message. */
  async process(bytes: Uint8Array): Promise<Incoming> {
    const message = decodeMlsMessage(bytes, 0)?.[0];
    if (message?.wireformat === "mls_public_message") {
      const epoch = this.epoch;
      this.state = (await this.ownCommitState(bytes)) ?? (await processPublicMessage(this.state, message.publicMessage, emptyPskIndex, this.deps.cs)).newState;
      await this.save();
      // The room ordered a commit for that epoch: the one this device kept for it is settled
      // (taken up, or never to be: its secrets go).
      if (this.epoch !== epoch) await this.deps.store.delete(this.madeCommitKey);
      return { kind: "handshake", epoch: this.epoch };
    }
    if (message?.wireformat === "mls_private_message") {
      const metadata = decodeMetadata(message.privateMessage.authenticatedData);
      const result = await processPrivateMessage(this.state, message.privateMessage, emptyPskIndex, this.deps.cs);
      this.state = result.newState;
      await this.save();
      if (result.kind !== "applicationMessage") return { kind: "handshake", epoch: this.epoch };
      return { kind: "message", payload: JSON.parse(fromUtf8(result.message)) as MlsPayload, metadata, epoch: this.epoch };
    }
    throw new Error("Not an MLS message of this group");
  }

  /** Encrypts an application message: the payload inside, `metadata` authenticated but readable by the server. */
  async encrypt(payload: Omit<MlsPayload, "from">, metadata: PublicMetadata = {}): Promise<Uint8Array> {
    const body: MlsPayload = { from: `${this.deps.self.userId}:${this.deps.self.deviceId}`, ...payload };
    const { privateMessage, newState } = await createApplicationMessage(
      this.state,
      utf8.encode(JSON.stringify(body)),
      this.deps.cs,
      utf8.encode(JSON.stringify(metadata)),
    );
    this.state = newState;
    await this.save();
    return encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage });
  }

  /** MLS-Exporter (RFC 9420 §8.5) of the current epoch: e.g. SFrame call keys (label "SFrame 1.0 Base Key"). */
  exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return mlsExporter(this.state.keySchedule.exporterSecret, label, context, length, this.deps.cs);
  }

  async save(): Promise<void> {
    await this.deps.store.put(`group:${this.chatId}`, encodeGroupState(this.state));
  }

  /** Where the last commit this device made is kept until the room's order settles it (`process`). */
  private get madeCommitKey(): string {
    return `commit:${this.chatId}`;
  }

  private async commit(proposals: Proposal[]): Promise<PendingCommit> {
    const result = await createCommit(
      { state: this.state, cipherSuite: this.deps.cs },
      { extraProposals: proposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
    );
    const epoch = this.epoch;
    const commit = encodeMlsMessage(result.commit);
    // Kept before it can be sent: when the answer to sending it is lost (the socket dropped, the
    // page closed), the room's copy must still be recognised as this device's own.
    await this.deps.store.put(this.madeCommitKey, encodeMadeCommit(commit, result.newState));
    return {
      commit,
      welcome: result.welcome ? encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: result.welcome }) : undefined,
      epoch,
      accept: async () => {
        if (this.epoch !== epoch) throw new Error("The group moved on since this commit was made");
        this.state = result.newState;
        await this.save();
        await this.deps.store.delete(this.madeCommitKey);
      },
    };
  }

  /**
   * The state a commit of this device leads to, when `bytes` is that commit (sent, and ordered by
   * the room, but its answer never came): MLS encrypts a commit's path secrets to every member
   * but its sender, so the sender cannot process it as a member's and takes the state it made.
   */
  private async ownCommitState(bytes: Uint8Array): Promise<ClientState | undefined> {
    const kept = await this.deps.store.get(this.madeCommitKey);
    const made = kept ? decodeMadeCommit(kept) : undefined;
    if (!made || !sameBytes(made.commit, bytes)) return undefined;
    const state = decodeStoredState(made.state);
    return state?.groupContext.epoch === this.epoch + 1n ? state : undefined;
  }
}

/** A commit this device made and the group state it leads to: its length (4 bytes, big-endian), the commit, the state. */
function encodeMadeCommit(commit: Uint8Array, state: ClientState): Uint8Array {
  const encodedState = encodeGroupState(state);
  const out = new Uint8Array(4 + commit.length + encodedState.length);
  new DataView(out.buffer).setUint32(0, commit.length);
  out.set(commit, 4);
  out.set(encodedState, 4 + commit.length);
  return out;
}

function decodeMadeCommit(bytes: Uint8Array): { commit: Uint8Array; state: Uint8Array } | undefined {
  if (bytes.length < 4) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (4 + length > bytes.length) return undefined;
  return { commit: bytes.subarray(4, 4 + length), state: bytes.subarray(4 + length) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function decodeMetadata(bytes: Uint8Array): PublicMetadata {
  if (bytes.length === 0) return {};
  try {
    const value = JSON.parse(fromUtf8(bytes)) as PublicMetadata;
    const relation = value.relatesTo;
    return {
      ...(typeof value.replyTo === "string" ? { replyTo: value.replyTo } : {}),
      ...(Array.isArray(value.mentions) ? { mentions: value.mentions.filter((id) => typeof id === "string") } : {}),
      ...(relation && (relation.kind === "edit" || relation.kind === "reaction") && typeof relation.id === "string"
        ? { relatesTo: { kind: relation.kind, id: relation.id } }
        : {}),
    };
  } catch {
    return {};
  }
}

/** The epoch an application message (MLSMessage, PrivateMessage) was sealed at, read from its clear header; undefined for anything else. */
export function messageEpoch(bytes: Uint8Array): bigint | undefined {
  try {
    const message = decodeMlsMessage(bytes, 0)?.[0];
    return message?.wireformat === "mls_private_message" ? message.privateMessage.epoch : undefined;
  } catch {
    return undefined;
  }
}

export function restoreGroup(chatId: string, bytes: Uint8Array, deps: GroupContextDeps): MlsGroup {
  const state = decodeStoredState(bytes);
  if (!state) throw new Error(`The stored state of chat ${chatId} does not decode`);
  return new MlsGroup(chatId, state, deps);
}

/** A group state as the store keeps it (`encodeGroupState`), with the client configuration, which is not encoded. */
function decodeStoredState(bytes: Uint8Array): ClientState | undefined {
  const decoded = decodeGroupState(bytes, 0);
  return decoded ? { ...decoded[0], clientConfig: defaultClientConfig } : undefined;
}
