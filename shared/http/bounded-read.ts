/** Reading a stream into memory, never more than asked: the one place bodies are read by hand. */

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Reads `body` to its end if it holds at most `limit` bytes; otherwise stops at the first chunk
 * past the limit, cancels the stream and answers null (what was read is dropped).
 */
export async function readAtMost(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks, size);
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}

/** Reads until at least `wanted` bytes arrived (or the body ended); the rest stays in `body`, which is left unlocked. */
export async function readHead(body: ReadableStream<Uint8Array>, wanted: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < wanted) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    reader.releaseLock();
  }
  return concat(chunks, size);
}
