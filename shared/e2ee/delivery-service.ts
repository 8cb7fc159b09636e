import { decodeMlsMessage, type Proposal } from "ts-mls";

/** A device as the room knows it: the user it belongs to and its id. */
export interface RoomDevice {
  userId: string;
  deviceId: string;
}

/** Who may be in the group now: the chat's members and which of their devices are live. */
export interface GroupPolicy {
  isMember(userId: string): boolean;
  isLiveDevice(deviceId: string): boolean;
}

export type MlsRefusalCode =
  | "mls_not_mls"
  | "mls_wrong_group"
  | "mls_stale_epoch"
  | "mls_not_a_commit"
  | "mls_sender_mismatch"
  | "mls_proposal_by_reference"
  | "mls_add_not_allowed"
  | "mls_removal_missing"
  | "mls_removal_pending";

/** A refusal names the group's epoch; a missing or pending removal also the devices whose leaves a commit must remove. */
export type Ordered<T> = ({ ok: true } & T) | { ok: false; code: MlsRefusalCode; detail: string; epoch: number; deviceIds?: string[] };

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS mls_leaves (leaf_index INTEGER PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS mls_handshakes (epoch INTEGER PRIMARY KEY, sender_device TEXT NOT NULL, bytes BLOB NOT NULL, created_at INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS mls_welcomes (id INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL, epoch INTEGER NOT NULL, bytes BLOB NOT NULL, created_at INTEGER NOT NULL)",
  "CREATE INDEX IF NOT EXISTS mls_welcomes_device ON mls_welcomes (device_id)",
];

/**
 * The chat room as MLS Delivery Service (RFC 9420 §§ 13–14, docs/e2ee.md): it orders commits per
 * epoch (the first valid commit for the group's epoch wins; one for another epoch is refused as
 * stale and the client retries on the new one), checks what it can without keys (commits come
 * as PublicMessage), keeps Welcomes for the devices a commit added until they fetch them, and
 * lets application messages through only at the current epoch and only while no leaf it must
 * remove is left. It tracks which device holds each leaf by applying each commit's removes and
 * adds as RFC 9420 §12.1 places them (removed leaves blank, the tree truncated on the right, an
 * add in the leftmost blank leaf). Synchronous over the room's SQLite, like MessageLog.
 */
export class MlsDeliveryService {
  /** The group's current epoch; -1 before the first commit. */
  epoch: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly groupId: string,
  ) {
    for (const statement of SCHEMA) sql.exec(statement);
    // Each stored commit is kept under the epoch it moved the group on from: the group is one past the last.
    const last = sql.exec<{ epoch: number | null }>("SELECT MAX(epoch) AS epoch FROM mls_handshakes").one().epoch;
    this.epoch = last === null ? -1 : last + 1;
  }

  /** Which device holds each leaf, by leaf index. */
  leaves(): (RoomDevice | null)[] {
    const rows = this.sql.exec<{ leaf_index: number; user_id: string; device_id: string }>("SELECT * FROM mls_leaves ORDER BY leaf_index").toArray();
    const leaves: (RoomDevice | null)[] = [];
    for (const row of rows) leaves[row.leaf_index] = { userId: row.user_id, deviceId: row.device_id };
    return Array.from(leaves, (leaf) => leaf ?? null);
  }

  /** Whether a device holds a leaf of the group. */
  holdsLeaf(deviceId: string): boolean {
    return this.sql.exec("SELECT 1 FROM mls_leaves WHERE device_id = ? LIMIT 1", deviceId).toArray().length > 0;
  }

  /** Leaves the next commit must remove: devices of departed members, and ended devices. */
  mustRemove(policy: GroupPolicy): RoomDevice[] {
    return this.leaves().filter((leaf): leaf is RoomDevice => leaf !== null && (!policy.isMember(leaf.userId) || !policy.isLiveDevice(leaf.deviceId)));
  }

  /**
   * Orders a commit sent by `sender` for the group's current epoch (the group's first commit:
   * epoch 0, by its creator in leaf 0). On success the commit is stored as the one that moved
   * the group from `epoch` on, with the Welcome for the devices it added.
   */
  submitCommit(
    bytes: Uint8Array,
    welcome: Uint8Array | undefined,
    sender: RoomDevice,
    policy: GroupPolicy,
    now: number,
  ): Ordered<{ epoch: number; added: RoomDevice[] }> {
    const refuse = (code: MlsRefusalCode, detail: string) => ({ ok: false as const, code, detail, epoch: this.epoch });
    const message = decode(bytes);
    if (message?.wireformat !== "mls_public_message") return refuse("mls_not_a_commit", "Commits are sent as MLS PublicMessage");
    const content = message.publicMessage.content;
    if (new TextDecoder().decode(content.groupId) !== this.groupId) return refuse("mls_wrong_group", "The commit is for another group");
    if (content.contentType !== "commit") return refuse("mls_not_a_commit", "Not a commit");
    const epoch = Number(content.epoch);
    const expected = Math.max(this.epoch, 0);
    if (epoch !== expected) return refuse("mls_stale_epoch", `The group is at epoch ${expected}; process the commits since and commit again`);
    const leaves = this.epoch < 0 ? [sender] : this.leaves();
    if (content.sender.senderType !== "member") return refuse("mls_sender_mismatch", "Only members commit");
    const committer = leaves[content.sender.leafIndex];
    if (committer?.deviceId !== sender.deviceId) return refuse("mls_sender_mismatch", "The commit's sender leaf is not the sending device");

    const proposals: Proposal[] = [];
    for (const item of content.commit.proposals) {
      if (item.proposalOrRefType !== "proposal") return refuse("mls_proposal_by_reference", "Proposals must be inline in the commit");
      proposals.push(item.proposal);
    }
    const next = leaves.slice();
    for (const proposal of proposals) if (proposal.proposalType === "remove") next[proposal.remove.removed] = null;
    while (next.length > 0 && next[next.length - 1] === null) next.pop();
    const added: RoomDevice[] = [];
    for (const proposal of proposals) {
      if (proposal.proposalType !== "add") continue;
      const credential = proposal.add.keyPackage.leafNode.credential;
      const device = credential.credentialType === "basic" ? parseIdentity(new TextDecoder().decode(credential.identity)) : undefined;
      if (!device || !policy.isMember(device.userId) || !policy.isLiveDevice(device.deviceId))
        return refuse("mls_add_not_allowed", "Only live devices of the chat's members can be added");
      const blank = next.indexOf(null);
      if (blank >= 0) next[blank] = device;
      else next.push(device);
      added.push(device);
    }
    const left = next.filter((leaf): leaf is RoomDevice => leaf !== null && (!policy.isMember(leaf.userId) || !policy.isLiveDevice(leaf.deviceId)));
    if (left.length > 0)
      return {
        ...refuse("mls_removal_missing", `The commit must also remove ${left.length} leaf(s) of departed members or ended devices`),
        deviceIds: left.map((leaf) => leaf.deviceId),
      };

    this.sql.exec("DELETE FROM mls_leaves");
    next.forEach((leaf, index) => {
      if (leaf) this.sql.exec("INSERT INTO mls_leaves (leaf_index, user_id, device_id) VALUES (?, ?, ?)", index, leaf.userId, leaf.deviceId);
    });
    this.sql.exec("INSERT INTO mls_handshakes (epoch, sender_device, bytes, created_at) VALUES (?, ?, ?, ?)", epoch, sender.deviceId, bytes, now);
    if (welcome)
      for (const device of added)
        this.sql.exec("INSERT INTO mls_welcomes (device_id, epoch, bytes, created_at) VALUES (?, ?, ?, ?)", device.deviceId, epoch + 1, welcome, now);
    this.epoch = epoch + 1;
    return { ok: true, epoch: this.epoch, added };
  }

  /** The commits that moved the group on from `epoch` (exclusive of earlier ones), in order: a client catching up processes them. */
  commitsSince(epoch: number): { epoch: number; bytes: Uint8Array }[] {
    return this.sql
      .exec<{ epoch: number; bytes: ArrayBuffer }>("SELECT epoch, bytes FROM mls_handshakes WHERE epoch >= ? ORDER BY epoch", epoch)
      .toArray()
      .map((row) => ({ epoch: row.epoch, bytes: new Uint8Array(row.bytes) }));
  }

  /** The Welcomes waiting for a device (kept until it acknowledges them). */
  welcomesFor(deviceId: string): { id: number; epoch: number; bytes: Uint8Array }[] {
    return this.sql
      .exec<{ id: number; epoch: number; bytes: ArrayBuffer }>("SELECT id, epoch, bytes FROM mls_welcomes WHERE device_id = ? ORDER BY id", deviceId)
      .toArray()
      .map((row) => ({ id: row.id, epoch: row.epoch, bytes: new Uint8Array(row.bytes) }));
  }

  acknowledgeWelcome(deviceId: string, id: number): void {
    this.sql.exec("DELETE FROM mls_welcomes WHERE device_id = ? AND id = ?", deviceId, id);
  }

  /**
   * Whether an application message may be relayed: a PrivateMessage of this group at the current
   * epoch, from a device that holds a leaf, while no leaf the room must remove is left (so a
   * removed member never receives what follows its removal). Its `authenticated_data` (reply and
   * mention ids) is returned for notifications; the ciphertext is never opened.
   */
  checkApplication(bytes: Uint8Array, sender: RoomDevice, policy: GroupPolicy): Ordered<{ authenticatedData: Uint8Array }> {
    const refuse = (code: MlsRefusalCode, detail: string) => ({ ok: false as const, code, detail, epoch: this.epoch });
    const message = decode(bytes);
    if (message?.wireformat !== "mls_private_message" || message.privateMessage.contentType !== "application")
      return refuse("mls_not_mls", "Not an MLS application message");
    if (new TextDecoder().decode(message.privateMessage.groupId) !== this.groupId) return refuse("mls_wrong_group", "The message is for another group");
    if (Number(message.privateMessage.epoch) !== this.epoch) return refuse("mls_stale_epoch", `The group is at epoch ${this.epoch}`);
    if (!this.leaves().some((leaf) => leaf?.deviceId === sender.deviceId)) return refuse("mls_sender_mismatch", "The sending device is not in the group");
    const pending = this.mustRemove(policy);
    if (pending.length > 0)
      return {
        ...refuse("mls_removal_pending", "A departed member or ended device must be removed by a commit first"),
        deviceIds: pending.map((leaf) => leaf.deviceId),
      };
    return { ok: true, authenticatedData: message.privateMessage.authenticatedData };
  }
}

function decode(bytes: Uint8Array) {
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    return decoded?.[1] === bytes.length ? decoded[0] : undefined;
  } catch {
    return undefined;
  }
}

function parseIdentity(identity: string): RoomDevice | undefined {
  const [userId, deviceId, ...rest] = identity.split(":");
  return userId && deviceId && rest.length === 0 ? { userId, deviceId } : undefined;
}
