import { ApiError, badRequest } from "../http/errors";
import { type DetectedType, detectType, HEAD_BYTES, TYPE_SNIFF_BYTES } from "./media-types";

/** The first bytes of an upload, kept for type detection and image dimensions. */
export class UploadHead {
  private readonly bytes: Uint8Array;
  private filled = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(Math.min(HEAD_BYTES, length));
  }

  /** Keeps what still fits; true once the type can be told (or all bytes are in). */
  add(chunk: Uint8Array): void {
    if (this.filled >= this.bytes.length) return;
    const take = Math.min(chunk.length, this.bytes.length - this.filled);
    this.bytes.set(chunk.subarray(0, take), this.filled);
    this.filled += take;
  }

  get sniffable(): boolean {
    return this.filled >= Math.min(TYPE_SNIFF_BYTES, this.bytes.length);
  }

  get view(): Uint8Array {
    return this.bytes.subarray(0, this.filled);
  }
}

export const toHex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");

export interface IntakeOptions {
  /** A hash the client declared: handed to R2, which refuses bytes that differ. */
  declaredSha256?: string;
  /** Throws (an ApiError) when the detected type is not acceptable; runs once the first bytes are in, before any is stored. */
  acceptType: (type: DetectedType | null) => void;
}

export interface Intake {
  sha256: string;
  size: number;
  type: DetectedType;
  head: Uint8Array;
}

/** Reads chunks until at least `wanted` bytes (or the end); the reader stops right after them. */
async function readHead(body: ReadableStream<Uint8Array>, wanted: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < wanted) {
      const read = await reader.read();
      if (read.done) break;
      chunks.push(read.value);
      size += read.value.length;
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const head = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    head.set(chunk, at);
    at += chunk.length;
  }
  return head;
}

/**
 * Streams `length` bytes into R2 at `key`: the first bytes are read and typed before anything is
 * stored (a refused type costs no write), then the rest flows through native pipes only, split
 * between R2 and the platform's SHA-256 digest, so no chunk passes through JavaScript. Memory
 * stays at the head plus the pipes' buffers, whatever the size. R2 needs the length up front.
 */
export async function streamIntoBucket(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, length: number, options: IntakeOptions): Promise<Intake> {
  const head = await readHead(body, Math.min(HEAD_BYTES, length));
  if (head.length > length) throw badRequest("body_length_mismatch", "The body is longer than its content-length");
  const type = await detectType(head);
  options.acceptType(type);

  const digest = new crypto.DigestStream("SHA-256");
  const sized = new FixedLengthStream(length);
  const [toBucket, toDigest] = body.tee();
  const headFirst = async (writable: WritableStream<Uint8Array>, rest: ReadableStream<Uint8Array>) => {
    const writer = writable.getWriter();
    await writer.write(head);
    writer.releaseLock();
    await rest.pipeTo(writable);
  };
  const putting = bucket.put(key, sized.readable, options.declaredSha256 ? { sha256: options.declaredSha256 } : undefined);
  const [stored, hashed, put] = await Promise.allSettled([headFirst(sized.writable, toBucket), headFirst(digest, toDigest), putting]);

  if (stored.status === "rejected" || hashed.status === "rejected") {
    await bucket.delete(key);
    throw badRequest("body_incomplete", "The body did not have the length its content-length announced");
  }
  const sha256 = toHex(await digest.digest);
  if (options.declaredSha256 && options.declaredSha256 !== sha256) {
    await bucket.delete(key);
    throw badRequest("checksum_mismatch", "The bytes do not have the declared x-content-sha256");
  }
  if (put.status === "rejected") throw put.reason;
  if (!type) throw new ApiError(415, "unsupported_media_type", "The bytes are not a known file type");
  return { sha256, size: length, type, head: head.subarray(0, HEAD_BYTES) };
}
