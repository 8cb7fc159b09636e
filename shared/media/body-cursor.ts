// The body is read in large pieces (few trips through JavaScript and the hash). Up to two pieces
// are being written while the next one is read and hashed, so hashing and storing overlap. A
// piece's buffer is read into again once its write is done, by this request or the next one in
// the isolate, so memory holds a few pieces whatever the size, instead of a new buffer left to
// the collector every MiB.
const PIECE_BYTES = 1024 * 1024;
const WRITES_IN_FLIGHT = 2;
const MAX_SPARE_PIECES = 8;
const sparePieces: ArrayBuffer[] = [];

/**
 * Reads a request body in pieces and writes runs of exact lengths into writers, so one body can
 * feed several R2 parts and a tail object without being held in memory. Every byte passes
 * `onBytes` first (the running hash), which is awaited before the bytes are written: a native
 * digest has taken them before the buffer goes on.
 */
export class BodyCursor {
  private readonly reader: ReadableStreamBYOBReader;
  consumed = 0;
  /** The body ended early or broke (a client that went away): what was read before still counts. */
  broken = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly onBytes: (chunk: Uint8Array) => void | Promise<void>,
  ) {
    this.reader = body.getReader({ mode: "byob" });
  }

  /** The next `length` bytes in a buffer of their own (the head of an upload), or fewer when the body ends first. */
  async read(length: number): Promise<Uint8Array> {
    const chunk = (await this.readPiece(new Uint8Array(length))) ?? new Uint8Array(0);
    if (chunk.length < length) this.broken = true;
    this.consumed += chunk.length;
    await this.onBytes(chunk);
    return chunk;
  }

  /** Writes the next `length` bytes into `writer` (left open); throws if the body ends first. */
  async copyInto(writer: WritableStreamDefaultWriter<Uint8Array>, length: number): Promise<void> {
    const writes: Promise<void>[] = [];
    try {
      for (let left = length; left > 0; ) {
        const want = Math.min(PIECE_BYTES, left);
        const buffer = sparePieces.pop() ?? new ArrayBuffer(PIECE_BYTES);
        const piece = await this.readPiece(new Uint8Array(buffer, 0, want));
        if (!piece) throw new Error("The body ended before its content-length");
        left -= piece.length;
        this.consumed += piece.length;
        await this.onBytes(piece);
        if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
        // A write is done once the stream's reader has taken the bytes: the buffer is free again.
        writes.push(writer.write(piece).then(() => reuse(piece.buffer as ArrayBuffer)));
      }
    } finally {
      await Promise.allSettled(writes);
    }
    await Promise.all(writes);
  }

  async release(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  /** Fills `view` (a short read only at the end of the body); null when nothing came. */
  private async readPiece(view: Uint8Array): Promise<Uint8Array | null> {
    const read = await this.reader.readAtLeast(view.length, view).catch((error: unknown) => {
      this.broken = true;
      throw error;
    });
    if (!read.value || read.value.length === 0) {
      this.broken = true;
      return null;
    }
    if (read.value.length < view.length) this.broken = true;
    return read.value;
  }
}

function reuse(buffer: ArrayBuffer): void {
  // A buffer the runtime took over (detached) cannot be read into again.
  if (buffer.byteLength === PIECE_BYTES && sparePieces.length < MAX_SPARE_PIECES) sparePieces.push(buffer);
}

/**
 * A stream of exactly `length` bytes (local R2 and uploadPart need the length) that `fill` writes
 * into; `done` settles when it has written them all, and a failure errors the stream, so the
 * R2 call reading it fails too instead of waiting.
 */
export function sizedStream(
  length: number,
  fill: (writer: WritableStreamDefaultWriter<Uint8Array>) => Promise<void>,
): { readable: ReadableStream<Uint8Array>; done: Promise<void> } {
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  const done = fill(writer).then(
    () => writer.close(),
    async (error: unknown) => {
      await writer.abort(error).catch(() => undefined);
      throw error;
    },
  );
  return { readable: fixed.readable, done };
}

/** Writes all of `source` into `writer` (left open). */
export async function copyStream(source: ReadableStream<Uint8Array>, writer: WritableStreamDefaultWriter<Uint8Array>): Promise<void> {
  const reader = source.getReader();
  for (;;) {
    const read = await reader.read();
    if (read.done) return;
    await writer.write(read.value);
  }
}
