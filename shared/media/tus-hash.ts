import { createHash, type Hash } from "node:crypto";
import { bytesToHex } from "../ids";
import { ResumableSha256 } from "./resumable-sha256";

/**
 * Kept in `uploads.hash_state` while the bytes stored so far were hashed by the platform's digest,
 * whose state cannot be saved: the isolate that stored them may still hold it (liveHashes), and the
 * next PATCH there continues it. Where it is gone (another isolate, a PATCH that broke off after
 * hashing bytes it did not store), later PATCHes do not hash and completion reads the finished
 * object back through the platform's digest.
 */
export const HASH_FROM_OBJECT = "from-object";

/** `uploads.hash_state` once every byte is hashed: the upload's SHA-256, for a finisher that did not see the bytes. */
const FINISHED = "sha256:";

/** How one PATCH hashes the bytes it stores. */
export interface PatchHash {
  /** Takes the next bytes, in order, before they are stored. */
  update(chunk: Uint8Array): void;
  /** What the upload row keeps at a durable step, for the PATCH or the finisher that continues the upload. */
  saved(): string;
  /** The SHA-256 of the whole upload once its last byte is in, or null when it must be read from the stored object. */
  digest(): Promise<string | null>;
  /**
   * The PATCH ended and every byte it hashed is recorded (all its durable steps succeeded): the
   * digest stays in this isolate for the next PATCH of the upload. Never after a failure: a digest
   * that took bytes the row does not hold cannot be rewound.
   */
  keep(uploadId: string): void;
}

export interface HashedSoFar {
  offset: number;
  length: number;
  hashState: string | null;
}

/**
 * Platform digests of uploads whose last PATCH ended in this isolate, by upload id, with the bytes
 * they cover. The bytes below a recorded offset never change (a PATCH only appends, under its
 * lease), so a digest of as many bytes as the row's offset is the digest of exactly those bytes. A
 * PATCH takes its upload's digest out while it runs, so no two requests feed one. Bounded: an
 * upload whose digest was pushed out (or never came here) is read back at completion instead.
 */
const liveHashes = new Map<string, { hash: Hash; bytes: number }>();
const MAX_LIVE_HASHES = 256;

/** Frees an upload's digest (terminated, failed, finished); tests call it to play a PATCH landing in a new isolate. */
export function forgetLiveHash(uploadId: string): void {
  liveHashes.delete(uploadId);
}

/**
 * Every PATCH hashes with the platform's digest (SHA-NI here: about six times the speed of the
 * resumable WebAssembly SHA-256, which cost about 15 ms of CPU per 5 MiB PATCH): from offset 0 a
 * new one; later, the one this isolate kept when the upload's previous PATCH ended. Without it the
 * PATCH stores unhashed and completion reads the object back. A resumable state saved by an older
 * version of this code (`<words>:<bytes>:<tail>`) is continued as before.
 */
export function patchHashFor(upload: HashedSoFar & { id: string }): PatchHash {
  const live = liveHashes.get(upload.id);
  liveHashes.delete(upload.id);
  if (upload.hashState === null) return upload.offset === 0 ? nativeHash(createHash("sha256"), 0, upload.length) : unhashed;
  if (upload.hashState === HASH_FROM_OBJECT) return live?.bytes === upload.offset ? nativeHash(live.hash, live.bytes, upload.length) : unhashed;
  if (upload.hashState.startsWith(FINISHED)) return unhashed;
  return resumableHash(ResumableSha256.restore(upload.hashState));
}

const unhashed: PatchHash = {
  update: () => undefined,
  saved: () => HASH_FROM_OBJECT,
  digest: async () => null,
  keep: () => undefined,
};

function nativeHash(hash: Hash, bytes: number, length: number): PatchHash {
  let sha256: string | null = null;
  const finish = () => (sha256 ??= hash.digest("hex"));
  return {
    update: (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    },
    // Once the last byte is in, the row keeps the digest itself: a finisher after a failed completion needs no read-back.
    saved: () => (bytes === length ? `${FINISHED}${finish()}` : HASH_FROM_OBJECT),
    digest: async () => (bytes === length ? finish() : null),
    keep: (uploadId) => {
      if (bytes === length) return;
      liveHashes.set(uploadId, { hash, bytes });
      for (const oldest of liveHashes.keys()) {
        if (liveHashes.size <= MAX_LIVE_HASHES) break;
        liveHashes.delete(oldest);
      }
    },
  };
}

function resumableHash(hash: ResumableSha256): PatchHash {
  return {
    update: (chunk) => void hash.update(chunk),
    saved: () => hash.save(),
    digest: async () => hash.hex(),
    keep: () => undefined,
  };
}

/** The SHA-256 of a stored object, read back through the platform's digest (memory stays at the stream's chunks). */
export async function sha256OfObject(bucket: R2Bucket, key: string): Promise<string> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`The object ${key} to hash is missing`);
  const stream = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(stream);
  return bytesToHex(await stream.digest);
}

/**
 * The SHA-256 of an upload whose bytes are all recorded, for a finishing step that did not see them
 * arrive: the digest the last PATCH saved, the resumable state an older version saved, or (marker
 * `from-object`, or a state that does not cover every byte) read back from the completed object.
 */
export async function sha256OfReceived(bucket: R2Bucket, upload: HashedSoFar & { key: string }): Promise<string> {
  if (upload.hashState?.startsWith(FINISHED) && /^[0-9a-f]{64}$/.test(upload.hashState.slice(FINISHED.length))) return upload.hashState.slice(FINISHED.length);
  if (upload.hashState && upload.hashState !== HASH_FROM_OBJECT && !upload.hashState.startsWith(FINISHED)) {
    const hash = ResumableSha256.restore(upload.hashState);
    if (hash.bytesHashed === upload.length) return hash.hex();
  }
  return sha256OfObject(bucket, upload.key);
}
