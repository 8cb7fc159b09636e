import { bytesToHex } from "../ids";
import { ResumableSha256 } from "./resumable-sha256";

/**
 * Kept in `uploads.hash_state` instead of a hash state: the bytes stored so far were hashed by
 * the platform's digest in a PATCH that broke off, so no state survived. Later PATCHes of the
 * upload do not hash; completion reads the finished object back through the platform's digest.
 */
export const HASH_FROM_OBJECT = "from-object";

/** How one PATCH hashes the bytes it stores. */
export interface PatchHash {
  /** Takes the next bytes, in order; awaited before they are stored (a native digest has taken them then). */
  update(chunk: Uint8Array): void | Promise<void>;
  /** What the upload row keeps at a durable step, for the PATCH that continues the upload. */
  saved(): string;
  /** The SHA-256 of the whole upload once its last byte is in, or null when it must be read from the stored object. */
  digest(): Promise<string | null>;
}

export interface HashedSoFar {
  offset: number;
  length: number;
  hashState: string | null;
}

/**
 * A PATCH that carries the whole upload (tus-js-client's and Uppy's default: chunkSize Infinity)
 * hashes with the platform's digest, about three times the speed of the resumable one; every
 * other PATCH continues the resumable hash whose state the row keeps between requests. If the
 * native PATCH breaks off, its state is lost: the row says so, and the object is read back.
 */
export function patchHashFor(upload: HashedSoFar, patchLength: number): PatchHash {
  if (upload.hashState === HASH_FROM_OBJECT) return unhashed;
  if (upload.offset === 0 && upload.hashState === null && patchLength === upload.length) return nativeHash();
  return resumableHash(upload.hashState ? ResumableSha256.restore(upload.hashState) : new ResumableSha256());
}

const unhashed: PatchHash = {
  update: () => undefined,
  saved: () => HASH_FROM_OBJECT,
  digest: async () => null,
};

function nativeHash(): PatchHash {
  const stream = new crypto.DigestStream("SHA-256");
  const writer = stream.getWriter();
  return {
    update: (chunk) => writer.write(chunk),
    saved: () => HASH_FROM_OBJECT,
    digest: async () => {
      await writer.close();
      return bytesToHex(await stream.digest);
    },
  };
}

function resumableHash(hash: ResumableSha256): PatchHash {
  return {
    update: (chunk) => void hash.update(chunk),
    saved: () => hash.save(),
    digest: async () => hash.hex(),
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
 * arrive: from the resumable state its last PATCH saved, or (marker `from-object`, or a state that
 * does not cover every byte) read back from the completed object.
 */
export async function sha256OfReceived(bucket: R2Bucket, upload: HashedSoFar & { key: string }): Promise<string> {
  if (upload.hashState && upload.hashState !== HASH_FROM_OBJECT) {
    const hash = ResumableSha256.restore(upload.hashState);
    if (hash.bytesHashed === upload.length) return hash.hex();
  }
  return sha256OfObject(bucket, upload.key);
}
