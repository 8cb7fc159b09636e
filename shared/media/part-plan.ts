/** R2 multipart: every part but the last must be the same size and at least 5 MiB; part numbers 1 to 10,000. */
export const MIB = 1024 * 1024;
export const MIN_PART_BYTES = 5 * MIB;
export const MAX_PART_NUMBER = 10_000;
/**
 * An upload is cut into at most half of R2's part numbers: a PATCH that takes over from a stalled
 * one gets numbers past every number the stalled one may still write (tus-uploads.ts), so the
 * other half keeps room for that.
 */
export const MAX_PARTS = MAX_PART_NUMBER / 2;

/** The part size of an upload of `length` bytes: 5 MiB, or more (in whole MiB) when MAX_PARTS would not hold it. */
export function partSizeFor(length: number): number {
  const needed = Math.ceil(length / MAX_PARTS);
  return Math.max(MIN_PART_BYTES, Math.ceil(needed / MIB) * MIB);
}

export interface UploadProgress {
  length: number;
  partSize: number;
  /** Parts already uploaded, all of `partSize` bytes. */
  partsDone: number;
  /** Bytes received after the last whole part, kept aside until they fill one. */
  tailBytes: number;
  /**
   * The R2 part number of the first part this request writes; the next ones follow it. The lease
   * hands it out (R2 completes parts in ascending order, gaps allowed), so it is past every number
   * a stalled earlier request could still write.
   */
  firstPartNumber: number;
}

export interface PlannedPart {
  partNumber: number;
  /** Bytes taken first from the stored tail, then from the request body. */
  fromTail: number;
  fromBody: number;
}

export interface PatchPlan {
  parts: PlannedPart[];
  /** Bytes kept as the next tail: what is left of the old tail first, then of the body. */
  newTailBytes: number;
  /** How many of those come from the old tail (when no whole part could be cut). */
  newTailFromOldTail: number;
  /** The last byte of the upload arrives with this request. */
  completes: boolean;
}

/**
 * How a request carrying `bodyBytes` more bytes is cut: whole parts out of tail + body, the
 * remainder kept as the next tail, or sent as the last (smaller) part when the upload ends here.
 */
export function planPatch(progress: UploadProgress, bodyBytes: number): PatchPlan {
  const { length, partSize, partsDone, tailBytes, firstPartNumber } = progress;
  const offset = partsDone * partSize + tailBytes;
  if (bodyBytes < 0 || offset + bodyBytes > length) throw new RangeError("The body runs past the upload's length");
  const completes = offset + bodyBytes === length;
  const available = tailBytes + bodyBytes;
  const whole = Math.floor(available / partSize);
  const remainder = available - whole * partSize;
  const sizes = Array.from({ length: whole }, () => partSize);
  if (completes && remainder > 0) sizes.push(remainder);
  let tailLeft = tailBytes;
  const parts = sizes.map((size, i) => {
    const fromTail = Math.min(tailLeft, size);
    tailLeft -= fromTail;
    return { partNumber: firstPartNumber + i, fromTail, fromBody: size - fromTail };
  });
  return { parts, newTailBytes: completes ? 0 : remainder, newTailFromOldTail: completes ? 0 : tailLeft, completes };
}
