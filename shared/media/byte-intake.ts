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
  /** Throws (an ApiError) when the detected type is not acceptable; runs once the first bytes are in. */
  acceptType: (type: DetectedType | null) => void;
}

export interface Intake {
  sha256: string;
  size: number;
  type: DetectedType;
  head: Uint8Array;
}

/**
 * Streams `length` bytes into R2 at `key` in one pass: the same transform that carries each
 * chunk on feeds the platform's SHA-256 digest and keeps the first bytes, and refuses a type
 * that is not allowed as soon as those bytes are in (the put is aborted; nothing is stored).
 * Memory stays at one chunk plus the head, whatever the size. R2 needs the length up front.
 */
export async function streamIntoBucket(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, length: number, options: IntakeOptions): Promise<Intake> {
  const digest = new crypto.DigestStream("SHA-256");
  const digestWriter = digest.getWriter();
  const head = new UploadHead(length);
  let received = 0;
  let type: DetectedType | null | undefined;
  let refusal: unknown;

  const inspect = async () => {
    if (type !== undefined) return;
    type = await detectType(head.view);
    options.acceptType(type);
  };

  const inspector = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      try {
        received += chunk.byteLength;
        if (received > length) throw badRequest("body_length_mismatch", "The body is longer than its content-length");
        head.add(chunk);
        if (head.sniffable) await inspect();
        await digestWriter.write(chunk);
        controller.enqueue(chunk);
      } catch (error) {
        refusal = error;
        throw error;
      }
    },
    async flush() {
      try {
        if (received !== length) throw badRequest("body_length_mismatch", "The body is shorter than its content-length");
        await inspect();
        await digestWriter.close();
      } catch (error) {
        refusal = error;
        throw error;
      }
    },
  });

  const sized = new FixedLengthStream(length);
  // Two explicit pipes (not pipeThrough): both promises are awaited, so a refusal mid-stream leaves no unhandled rejection.
  const reading = body.pipeTo(inspector.writable, { preventCancel: true });
  const piping = inspector.readable.pipeTo(sized.writable);
  const putting = bucket.put(key, sized.readable, options.declaredSha256 ? { sha256: options.declaredSha256 } : undefined);
  const [, piped, put] = await Promise.allSettled([reading, piping, putting]);

  if (refusal !== undefined) {
    await body.cancel().catch(() => undefined);
    await bucket.delete(key);
    throw refusal;
  }
  if (piped.status === "rejected") {
    await bucket.delete(key);
    throw badRequest("body_incomplete", "The body ended before all of it arrived");
  }
  const sha256 = toHex(await digest.digest);
  if (options.declaredSha256 && options.declaredSha256 !== sha256) {
    await bucket.delete(key);
    throw badRequest("checksum_mismatch", "The bytes do not have the declared x-content-sha256");
  }
  if (put.status === "rejected") throw put.reason;
  if (!type) throw new ApiError(415, "unsupported_media_type", "The bytes are not a known file type");
  return { sha256, size: received, type, head: head.view };
}
