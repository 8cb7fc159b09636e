import { ApiError } from "../http/errors";
import { takeUnreferencedBlobs } from "./records/files";
import { deleteSettledUploads, expireUploads, type ExpiredUpload, findUnfinishedUploads } from "./records/uploads";
import { finishReceivedUpload, leftoverKeys } from "./tus-completion";
import { variantPrefix } from "./variant-keys";
import type { Deps } from "../platform/deps-types";

const BATCH = 100;

export interface MediaCollection {
  /** Fully received uploads whose file was not made (their last PATCH failed or died), made here. */
  uploadsFinished: number;
  /**
   * Fully received uploads not finished here, with the problem code: `upload_finishing` ones stay
   * for the next request or run; `unsupported_media_type` and `finish_failed` (past the expiry) ones
   * were failed with that reason on their row.
   */
  uploadsNotFinished: { uploadId: string; code: string; reason: string }[];
  uploadsExpired: number;
  blobsRemoved: number;
  /** R2 deletions that failed (the rows are gone; the next run does not see them again), with the reason. */
  failures: { key: string; reason: string }[];
}

async function removeUploadLeftovers(bucket: R2Bucket, upload: ExpiredUpload, failures: MediaCollection["failures"]): Promise<void> {
  try {
    if (upload.multipartId) {
      // A multipart upload completed by a finishing step that died before D1 made the file cannot be
      // aborted: its object is there instead, and goes with the keys below.
      await bucket
        .resumeMultipartUpload(upload.key, upload.multipartId)
        .abort()
        .catch(async (error: unknown) => {
          if (!(await bucket.head(upload.key))) throw error;
        });
    }
    // No blob row points at the key of an upload that never completed, nor at any of its tails.
    await bucket.delete(await leftoverKeys(bucket, upload));
  } catch (error) {
    failures.push({ key: upload.key, reason: error instanceof Error ? error.message : String(error) });
  }
}

async function removeBlob(bucket: R2Bucket, blob: { key: string; sha256: string }, failures: MediaCollection["failures"]): Promise<void> {
  try {
    await bucket.delete(blob.key);
    // Variants are kept per owner of a file with these bytes: there may be more than one page of them.
    for (let cursor: string | undefined; ; ) {
      const variants = await bucket.list({ prefix: variantPrefix(blob.sha256), cursor });
      if (variants.objects.length > 0) await bucket.delete(variants.objects.map((object) => object.key));
      if (!variants.truncated) break;
      cursor = variants.cursor;
    }
  } catch (error) {
    failures.push({ key: blob.key, reason: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Uploads whose bytes are all recorded but whose finishing step failed or died, and nobody is
 * finishing now, get their file made; one at a time (a finish may read a whole object back to hash it).
 */
async function finishUnfinishedUploads(deps: Deps, now: number, result: MediaCollection): Promise<void> {
  for (const upload of await findUnfinishedUploads(deps.db, now, BATCH)) {
    try {
      await finishReceivedUpload(deps, upload, { now, giveUp: upload.expiresAt.getTime() < now });
      result.uploadsFinished += 1;
    } catch (error) {
      const problem = error instanceof ApiError ? error : null;
      result.uploadsNotFinished.push({ uploadId: upload.id, code: problem?.code ?? "error", reason: problem?.detail ?? String(error) });
    }
  }
}

/**
 * The media cron: fully received uploads nobody finished get their file made first (so expiry
 * never takes bytes that were all acknowledged); then uploads past their expiry are failed (so no
 * late request can complete them) and their R2 leftovers removed (multipart aborted, tail and
 * single-request objects deleted);
 * blobs no file has referenced for the grace period lose their row, their bytes and variants.
 * An upload still receiving holds no blob row, so it never loses its bytes to this.
 */
export async function collectMediaGarbage(deps: Deps, now: number): Promise<MediaCollection> {
  const config = deps.config.media;
  const result: MediaCollection = { uploadsFinished: 0, uploadsNotFinished: [], uploadsExpired: 0, blobsRemoved: 0, failures: [] };
  await finishUnfinishedUploads(deps, now, result);
  for (;;) {
    const expired = await expireUploads(deps.db, now, BATCH);
    await Promise.all(expired.map((upload) => removeUploadLeftovers(deps.files, upload, result.failures)));
    result.uploadsExpired += expired.length;
    if (expired.length < BATCH) break;
  }
  await deleteSettledUploads(deps.db, now);
  for (;;) {
    const blobs = await takeUnreferencedBlobs(deps.db, now - config.blobGraceSeconds * 1000, BATCH);
    await Promise.all(blobs.map((blob) => removeBlob(deps.files, blob, result.failures)));
    result.blobsRemoved += blobs.length;
    if (blobs.length < BATCH) break;
  }
  return result;
}
