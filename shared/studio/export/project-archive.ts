import { Zip, ZipPassThrough } from "fflate";
import { archiveEntryName } from "./archive-names";
import type { ExportBox, OriginalFile } from "./records";

/**
 * A ZIP of the originals, streamed: each file is read from R2 and passed through (stored, not
 * compressed: images and videos are compressed already) while the client downloads, so at most a
 * chunk or two of bytes is in memory at once. Backpressure: the next R2 chunk is read only when
 * the response stream has room.
 */
export function streamProjectArchive(bucket: R2Bucket, boxes: readonly ExportBox[], originals: readonly OriginalFile[]): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const position = new Map(boxes.map((box, index) => [box.id, { index, name: box.name }]));
  let failed: unknown = null;
  const zip = new Zip((error, chunk) => {
    if (error) failed = error;
    else void writer.write(chunk).catch((writeError: unknown) => (failed ??= writeError));
  });

  const produce = async () => {
    for (const original of originals) {
      const box = position.get(original.boxId);
      if (!box) continue;
      const object = await bucket.get(original.key);
      if (!object) continue;
      const entry = new ZipPassThrough(archiveEntryName(box.index, box.name, original.assetId, original.contentType));
      entry.mtime = original.createdAt;
      zip.add(entry);
      const reader = object.body.getReader();
      for (;;) {
        await writer.ready;
        if (failed) throw failed;
        const { done, value } = await reader.read();
        if (done) break;
        entry.push(value, false);
      }
      entry.push(new Uint8Array(0), true);
    }
    zip.end();
    await writer.ready;
    if (failed) throw failed;
    await writer.close();
  };
  produce().catch((error: unknown) => writer.abort(error).catch(() => {}));
  return readable;
}
