// Call keys from the chat's MLS group, as RFC 9605 §5.2 ("MLS") defines them: each epoch's
// base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk), and each sender encrypts under
// KIDs that carry its leaf index and the epoch's low bits:
//   KID = (context << (S + E)) + (sender_index << E) + (epoch % (1 << E))
// S is the bits a leaf index needs (group_size <= 1 << S), E = EPOCH_BITS. The context tells a
// sender's streams apart (microphone, camera, ...), so each has its own CTR sequence and no
// (key, nonce) pair is used twice.
import type { MlsGroup } from "./group";
import { AES_128_GCM_SHA256_128, decodeHeader, type SFrameCipherSuite, SFrameError, SFrameKey } from "./sframe";

export const SFRAME_BASE_KEY_LABEL = "SFrame 1.0 Base Key";
/** E: the epoch's low bits in a KID. 16 epochs may be live at once, far more than a call sees. */
export const EPOCH_BITS = 4;
/** The contexts a sender uses: one per kind of stream. A KID naming another context is refused. */
export const CALL_CONTEXTS = { audio: 0, video: 1, screen: 2 } as const;
const MAX_CONTEXT = 2;
/** How long an earlier epoch's keys still open frames after a new epoch arrives (frames in flight, members still catching up). */
export const EARLIER_EPOCH_GRACE_MS = 10_000;

/** What a member needs to encrypt and decrypt one epoch of a call. */
export interface CallEpochKey {
  epoch: bigint;
  /** MLS-Exporter("SFrame 1.0 Base Key", "", Nk) of the epoch. */
  baseKey: Uint8Array;
  /** This device's leaf index in the group. */
  senderIndex: number;
  /** S: the bits of a leaf index, from the group's size. */
  indexBits: number;
}

/** The smallest S with group_size <= 1 << S. */
export function indexBitsFor(groupSize: number): number {
  let bits = 0;
  while (1 << bits < groupSize) bits++;
  return bits;
}

export function callKid(key: Pick<CallEpochKey, "epoch" | "senderIndex" | "indexBits">, context: number): bigint {
  const e = BigInt(EPOCH_BITS);
  return (BigInt(context) << (BigInt(key.indexBits) + e)) | (BigInt(key.senderIndex) << e) | (key.epoch % (1n << e));
}

/** The call key of the group's current epoch. */
export async function callEpochKey(group: MlsGroup, suite: SFrameCipherSuite = AES_128_GCM_SHA256_128): Promise<CallEpochKey> {
  return {
    epoch: group.epoch,
    baseKey: await group.exportSecret(SFRAME_BASE_KEY_LABEL, new Uint8Array(0), suite.nk),
    senderIndex: group.ownLeafIndex,
    indexBits: indexBitsFor(group.leafCount),
  };
}

/**
 * Where a call's keys come from. The call controllers take one when the call's chat is
 * encrypted: the current epoch's key, and every later epoch's as the group moves on.
 */
export interface CallKeySource {
  current(): Promise<CallEpochKey>;
  /** `listener` hears each new epoch's key; the returned function stops it. */
  subscribe(listener: (key: CallEpochKey) => void): () => void;
}

/**
 * The keys of an encrypted chat's MLS group. The chat code calls `epochChanged()` after it
 * processed a commit; a watch on the group's epoch (every `watchMs` while someone listens)
 * catches a commit processed elsewhere.
 */
export class MlsCallKeySource implements CallKeySource {
  readonly #listeners = new Set<(key: CallEpochKey) => void>();
  #seen: bigint;
  #watch: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly group: MlsGroup,
    private readonly watchMs = 1000,
  ) {
    this.#seen = group.epoch;
  }

  current(): Promise<CallEpochKey> {
    return callEpochKey(this.group);
  }

  subscribe(listener: (key: CallEpochKey) => void): () => void {
    this.#listeners.add(listener);
    this.#watch ??= setInterval(() => void this.epochChanged(), this.watchMs);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#watch) {
        clearInterval(this.#watch);
        this.#watch = undefined;
      }
    };
  }

  async epochChanged(): Promise<void> {
    if (this.group.epoch === this.#seen) return;
    this.#seen = this.group.epoch;
    const key = await callEpochKey(this.group);
    for (const listener of this.#listeners) listener(key);
  }
}

interface EpochEntry {
  key: CallEpochKey;
  /** When an earlier epoch stops opening frames (unset while it is the current one). */
  until?: number;
  keys: Map<bigint, Promise<SFrameKey>>;
  /** The next CTR of each of this device's contexts in this epoch. */
  counters: Map<number, bigint>;
}

export interface OpenedFrame {
  payload: Uint8Array;
  epoch: bigint;
  senderIndex: number;
  context: number;
}

/**
 * One device's keys in a call: it seals its frames under the current epoch, and opens anyone's
 * frames of the current epoch or, for EARLIER_EPOCH_GRACE_MS after a change, of an earlier one.
 */
export class CallKeyring {
  readonly #epochs: EpochEntry[] = [];

  constructor(
    readonly suite: SFrameCipherSuite = AES_128_GCM_SHA256_128,
    private readonly now: () => number = Date.now,
    private readonly graceMs = EARLIER_EPOCH_GRACE_MS,
  ) {}

  get epoch(): bigint | undefined {
    return this.#current()?.key.epoch;
  }

  /** A new epoch's key becomes the one frames are sealed with; the one before it is kept for the grace period. */
  setEpoch(key: CallEpochKey): void {
    if (this.#epochs.some((entry) => entry.key.epoch === key.epoch)) return;
    const until = this.now() + this.graceMs;
    for (const entry of this.#epochs) entry.until ??= until;
    // An epoch with the same low bits would share its KIDs: the older one goes (RFC 9605 §5.2).
    const low = (epoch: bigint) => epoch % (1n << BigInt(EPOCH_BITS));
    this.#drop((entry) => low(entry.key.epoch) === low(key.epoch));
    this.#epochs.push({ key, keys: new Map(), counters: new Map() });
  }

  /** Seals one frame of this device's `context` stream: SFrame header and ciphertext. */
  async seal(context: number, metadata: Uint8Array, payload: Uint8Array): Promise<Uint8Array> {
    const entry = this.#current();
    if (!entry) throw new SFrameError("no call key yet");
    const ctr = entry.counters.get(context) ?? 0n;
    entry.counters.set(context, ctr + 1n);
    const key = await this.#keyOf(entry, callKid(entry.key, context));
    return key.encrypt(ctr, metadata, payload);
  }

  /** Opens a frame sealed by any member; throws SFrameError when no live epoch's key opens it. */
  async open(metadata: Uint8Array, frame: Uint8Array): Promise<OpenedFrame> {
    const header = decodeHeader(frame);
    const e = BigInt(EPOCH_BITS);
    const low = header.kid & ((1n << e) - 1n);
    this.#drop((entry) => entry.until !== undefined && entry.until <= this.now());
    const entry = this.#epochs.find((candidate) => candidate.key.epoch % (1n << e) === low);
    if (!entry) throw new SFrameError("no key for this epoch");
    const s = BigInt(entry.key.indexBits);
    const context = header.kid >> (s + e);
    if (context > BigInt(MAX_CONTEXT)) throw new SFrameError("unknown stream context");
    const key = await this.#keyOf(entry, header.kid);
    const payload = await key.decrypt(metadata, frame, header);
    return { payload, epoch: entry.key.epoch, senderIndex: Number((header.kid >> e) & ((1n << s) - 1n)), context: Number(context) };
  }

  #current(): EpochEntry | undefined {
    return this.#epochs[this.#epochs.length - 1];
  }

  #drop(matches: (entry: EpochEntry) => boolean): void {
    for (let i = this.#epochs.length - 1; i >= 0; i--) if (matches(this.#epochs[i] as EpochEntry)) this.#epochs.splice(i, 1);
  }

  #keyOf(entry: EpochEntry, kid: bigint): Promise<SFrameKey> {
    let key = entry.keys.get(kid);
    if (!key) {
      key = SFrameKey.derive(this.suite, kid, entry.key.baseKey);
      entry.keys.set(kid, key);
    }
    return key;
  }
}
