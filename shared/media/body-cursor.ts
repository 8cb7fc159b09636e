// The body is read in large pieces (few trips through JavaScript and the hash), and the reading
// side may run a couple of pieces ahead of R2, so hashing and storing overlap.
const PIECE_BYTES = 1024 * 1024;
const AHEAD = { highWaterMark: 2 };

/**
 * Reads a request body in pieces of exact lengths, each as its own stream, so one body can feed
 * several R2 parts and a tail object without being held in memory. Every byte handed out passes
 * `onBytes` first (the running hash), which is awaited before the bytes go on: a native digest
 * has taken them before the runtime may take the buffer over.
 */
export class BodyCursor {
  private readonly reader: ReadableStreamBYOBReader;
  private pending: Uint8Array | null = null;
  consumed = 0;
  /** The body ended early or broke (a client that went away): what was read before still counts. */
  broken = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly onBytes: (chunk: Uint8Array) => void | Promise<void>,
  ) {
    this.reader = body.getReader({ mode: "byob" });
  }

  /** The next `length` bytes of the body; the stream errors if the body ends first. */
  take(length: number): ReadableStream<Uint8Array> {
    let left = length;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (left === 0) return controller.close();
        let chunk = this.pending;
        this.pending = null;
        if (!chunk) {
          chunk = await this.readPiece(Math.min(PIECE_BYTES, left));
          if (!chunk) return controller.error(new Error("The body ended before its content-length"));
        }
        if (chunk.length > left) {
          // A copy: the piece handed on may be transferred to the runtime, the rest must stay readable.
          this.pending = chunk.slice(left);
          chunk = chunk.subarray(0, left);
        }
        left -= chunk.length;
        this.consumed += chunk.length;
        await this.onBytes(chunk);
        controller.enqueue(chunk);
        if (left === 0) controller.close();
      },
    }, AHEAD);
  }

  /** The next `length` bytes of the body in one buffer (the head of an upload), or fewer when it ends first. */
  async read(length: number): Promise<Uint8Array> {
    if (this.pending) throw new Error("read() comes before any take()");
    const chunk = (await this.readPiece(length)) ?? new Uint8Array(0);
    if (chunk.length < length) this.broken = true;
    this.consumed += chunk.length;
    await this.onBytes(chunk);
    return chunk;
  }

  private async readPiece(want: number): Promise<Uint8Array | null> {
    const read = await this.reader.readAtLeast(want, new Uint8Array(want)).catch((error: unknown) => {
      this.broken = true;
      throw error;
    });
    if (!read.value || read.value.length === 0) {
      this.broken = true;
      return null;
    }
    return read.value;
  }

  async release(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

/** The streams one after another, as one stream. */
export function concatStreams(streams: ReadableStream<Uint8Array>[]): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (!reader) {
          const next = streams[index++];
          if (!next) return controller.close();
          reader = next.getReader();
        }
        const read = await reader.read();
        if (!read.done) return controller.enqueue(read.value);
        reader = null;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
      for (const stream of streams.slice(index)) await stream.cancel(reason);
    },
  });
}

/** Pipes `source` into R2 via a stream of known length (local R2 and uploadPart need it). */
export function sized(source: ReadableStream<Uint8Array>, length: number): { readable: ReadableStream<Uint8Array>; done: Promise<void> } {
  const fixed = new FixedLengthStream(length);
  const done = source.pipeTo(fixed.writable);
  return { readable: fixed.readable, done };
}
