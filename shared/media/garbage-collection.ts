import type { Database } from "../db/client";
import type { MediaEnv } from "./files";
import { mediaConfig } from "./media-config";
import { deleteSettledUploads, expireUploads, type ExpiredUpload, takeUnreferencedBlobs } from "./records";
import { variantPrefix } from "./variant-keys";

const BATCH = 100;

export interface MediaCollection {
  uploadsExpired: number;
  blobsRemoved: number;
  /** R2 deletions that failed (the rows are gone; the next run does not see them again), with the reason. */
  failures: { key: string; reason: string }[];
}

async function removeUploadLeftovers(bucket: R2Bucket, upload: ExpiredUpload, failures: MediaCollection["failures"]): Promise<void> {
  try {
    if (upload.multipartId) await bucket.resumeMultipartUpload(upload.key, upload.multipartId).abort();
    const keys = [upload.kind === "single" ? upload.key : null, upload.tailKey].filter((key): key is string => key !== null);
    if (keys.length > 0) await bucket.delete(keys);
  } catch (error) {
    failures.push({ key: upload.key, reason: error instanceof Error ? error.message : String(error) });
  }
}

async function removeBlob(bucket: R2Bucket, blob: { key: string; sha256: string }, failures: MediaCollection["failures"]): Promise<void> {
  try {
    const variants = await bucket.list({ prefix: variantPrefix(blob.sha256) });
    await bucket.delete([blob.key, ...variants.objects.map((object) => object.key)]);
  } catch (error) {
    failures.push({ key: blob.key, reason: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * The media cron: uploads past their expiry are failed (so no late request can complete them)
 * and their R2 leftovers removed (multipart aborted, tail and single-request objects deleted);
 * blobs no file has referenced for the grace period lose their row, their bytes and variants.
 * An upload still receiving holds no blob row, so it never loses its bytes to this.
 */
export async function collectMediaGarbage(env: MediaEnv, db: Database, now: number): Promise<MediaCollection> {
  const config = mediaConfig(env);
  const result: MediaCollection = { uploadsExpired: 0, blobsRemoved: 0, failures: [] };
  for (;;) {
    const expired = await expireUploads(db, now, BATCH);
    await Promise.all(expired.map((upload) => removeUploadLeftovers(env.FILES, upload, result.failures)));
    result.uploadsExpired += expired.length;
    if (expired.length < BATCH) break;
  }
  await deleteSettledUploads(db, now);
  for (;;) {
    const blobs = await takeUnreferencedBlobs(db, now - config.blobGraceSeconds * 1000, BATCH);
    await Promise.all(blobs.map((blob) => removeBlob(env.FILES, blob, result.failures)));
    result.blobsRemoved += blobs.length;
    if (blobs.length < BATCH) break;
  }
  return result;
}
