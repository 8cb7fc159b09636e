import { ApiError } from "../http/errors";
import { newId } from "../ids";
import { logEvent } from "../observability/log";
import { metrics } from "../observability/metrics";
import { recordFile, refuseTypeFor } from "./files";
import { HEAD_BYTES, imageDimensions, TYPE_SNIFF_BYTES, uploadType } from "./media-types";
import { failHeldUpload, findUpload, releaseUploadLease, takeFinishingLease, type UploadRecord } from "./records/uploads";
import { sha256OfReceived } from "./tus-hash";
import { tusError, tusHeaders } from "./tus-protocol";
import type { Deps } from "../platform/deps-types";

/** A request (PATCH or finishing step) holds its upload this long past its last durable step; a dead one frees it then. */
export const UPLOAD_LEASE_MS = 15_000;

/**
 * The bytes are all stored but the file is not made yet (another request is making it, or making it
 * failed and is tried again on the next request or by the cron). 423, not 5xx: tus-js-client and
 * Uppy retry the same upload on 423 after a HEAD, while any other error there makes them start a
 * new upload and send every byte again.
 */
const stillFinishing = (detail: string) => new ApiError(423, "upload_finishing", detail, {}, { ...tusHeaders, "retry-after": "1" });

/** What the PATCH that brought the last byte knows already; a later finisher reads it back from R2 and D1. */
export interface ReceivedEnd {
  /** SHA-256 of the whole upload; null when it comes from the saved state or the stored object. */
  sha256: string | null;
  /** The upload's first bytes (HEAD_BYTES, or all of a shorter upload); null when they are read back. */
  head: Uint8Array | null;
}

export interface FinishOptions {
  now: number;
  /** The upload is past its expiry (the cron): a failure ends it, with its reason, instead of waiting for a retry. */
  giveUp?: boolean;
}

const isFullyReceived = (upload: UploadRecord) => upload.kind === "tus" && upload.status === "receiving" && upload.offset === upload.length;

/**
 * Finishes a tus upload whose bytes are all recorded but whose file was not made (its last PATCH
 * failed or died after recording the last part): HEAD, GET, a refused PATCH and the media cron
 * call it. Idempotent: any other upload comes back as it is, one completed meanwhile comes back
 * completed, and the finishing lease lets one finisher at a time work; the others are told
 * `423 upload_finishing`.
 */
export async function finishReceivedUpload(deps: Deps, upload: UploadRecord, options: FinishOptions): Promise<UploadRecord> {
  if (!isFullyReceived(upload)) return upload;
  const held = await takeFinishingLease(deps.db, upload.id, newId(), options.now, UPLOAD_LEASE_MS);
  if (!held) {
    const current = await findUpload(deps.db, upload.id);
    if (current?.status === "completed") return current;
    if (!current || current.status === "failed") throw tusError(404, "not_found", "No such upload");
    throw stillFinishing("Another request is making this upload's file: ask again");
  }
  return finishHeldUpload(deps, held, null, options);
}

/**
 * The one finishing step of a tus upload, run by whoever holds it (its `leaseId`) once every byte
 * is recorded: the R2 multipart upload is completed (unless an earlier finisher did), the type
 * checked (a refused one fails the upload with its reason and its bytes go), the SHA-256 taken
 * from `known`, the saved hash state or the object, and finishFile's D1 batch makes the file
 * (deduplicated by hash; it does nothing for an upload no longer receiving).
 */
export async function finishHeldUpload(deps: Deps, upload: UploadRecord, known: ReceivedEnd | null, options: FinishOptions): Promise<UploadRecord> {
  const leaseId = upload.leaseId;
  if (!leaseId) throw new Error(`Upload ${upload.id} is finished without its lease`);
  const keepUntil = options.now + deps.config.media.uploadExpirySeconds * 1000;

  let file: Awaited<ReturnType<typeof recordFile>>;
  try {
    await completeObject(deps, upload, known === null);
    const head = known?.head ?? (await storedHeadOf(deps, upload));
    const type = await uploadType(upload.purpose, head.subarray(0, Math.max(TYPE_SNIFF_BYTES, head.length)));
    try {
      refuseTypeFor(upload.purpose)(type);
    } catch (refusal) {
      if (await failHeldUpload(deps.db, upload.id, leaseId, "unsupported_media_type", keepUntil)) await deps.files.delete(upload.key);
      throw new ApiError(
        415,
        "unsupported_media_type",
        refusal instanceof ApiError ? refusal.detail : "The bytes are not allowed for this purpose",
        {},
        tusHeaders,
      );
    }
    const sha256 = known?.sha256 ?? (await sha256OfReceived(deps.files, upload));
    const dimensions = imageDimensions(head, type!.mime);
    file = await recordFile(deps, {
      uploadId: upload.id,
      key: upload.key,
      ownerId: upload.ownerId,
      name: upload.name,
      purpose: upload.purpose,
      visibility: upload.visibility,
      sha256,
      size: upload.length,
      contentType: type!.mime,
      width: dimensions?.width ?? null,
      height: dimensions?.height ?? null,
      keepSlot: true,
      slotExpiresAt: keepUntil,
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw await notFinished(deps, upload, leaseId, error, options, keepUntil);
  }
  if (file) {
    await deleteStrayTails(deps.files, upload.id);
    return { ...upload, status: "completed", offset: upload.length, fileId: file.id, leaseId: null, leaseExpiresAt: null, expiresAt: new Date(keepUntil) };
  }

  // The batch found the upload no longer receiving: a finisher that took over an expired lease made
  // the file (its bytes are the blob's now), or the upload ended meanwhile (its bytes go).
  const current = await findUpload(deps.db, upload.id);
  if (current?.status === "completed") return current;
  await deps.files.delete(upload.key);
  throw tusError(410, "upload_expired", "The upload ended before its file was made");
}

/**
 * A finishing step that failed: counted and logged with the reason (the reason stays in the log,
 * never in the answer); the lease goes so the next HEAD (or the cron) tries again at once. Past the
 * upload's expiry (`giveUp`) the upload is failed with reason `finish_failed` and its stored bytes
 * removed instead. A finisher that lost the upload meanwhile (terminated, or taken over after its
 * lease ran out) has nothing to retry: the answer says what became of the upload.
 */
async function notFinished(deps: Deps, upload: UploadRecord, leaseId: string, error: unknown, options: FinishOptions, keepUntil: number): Promise<ApiError> {
  if (!options.giveUp && !(await releaseUploadLease(deps.db, upload.id, leaseId))) {
    const current = await findUpload(deps.db, upload.id);
    if (!current || current.status === "failed") return tusError(404, "not_found", "No such upload");
    return stillFinishing("Another request is making this upload's file: ask again");
  }
  metrics.count("media_upload_finish_failures_total", { outcome: options.giveUp ? "given_up" : "retried" });
  logEvent("error", "tus upload not finished", {
    uploadId: upload.id,
    giveUp: options.giveUp === true,
    error: error instanceof Error ? error.message : String(error),
  });
  if (options.giveUp) {
    if (await failHeldUpload(deps.db, upload.id, leaseId, "finish_failed", keepUntil)) await discardUploadBytes(deps.files, upload);
    return tusError(410, "finish_failed", "The upload's file could not be made before it expired");
  }
  return stillFinishing("The bytes are stored; making the file failed and is tried again: ask again");
}

/**
 * Completes the R2 multipart upload. A finisher that resumes (`mayBeDone`) looks first: an earlier
 * one may have completed it and died before D1 recorded the file, and completing twice fails.
 */
async function completeObject(deps: Deps, upload: UploadRecord, mayBeDone: boolean): Promise<void> {
  const stored = mayBeDone ? await deps.files.head(upload.key) : null;
  const size =
    stored?.size === upload.length
      ? stored.size
      : (await deps.files.resumeMultipartUpload(upload.key, upload.multipartId!).complete(JSON.parse(upload.parts) as R2UploadedPart[])).size;
  if (size !== upload.length) throw new Error(`Upload ${upload.id} completed with ${size} of ${upload.length} bytes`);
}

async function storedHeadOf(deps: Deps, upload: UploadRecord): Promise<Uint8Array> {
  const first = await deps.files.get(upload.key, { range: { offset: 0, length: Math.min(HEAD_BYTES, upload.length) } });
  return new Uint8Array(first ? await first.arrayBuffer() : new ArrayBuffer(0));
}

/**
 * What an unfinished upload given up on (failed, terminated) leaves in R2: the multipart upload
 * (with every part written to it, recorded or not), or the object a finishing step completed from
 * it, and every tail under the upload's prefix (the recorded one, and any a request wrote and died
 * before recording or deleting). No blob row points at these keys.
 */
export async function discardUploadBytes(bucket: R2Bucket, upload: Pick<UploadRecord, "id" | "key" | "multipartId" | "tailKey">): Promise<void> {
  if (upload.multipartId)
    await bucket
      .resumeMultipartUpload(upload.key, upload.multipartId)
      .abort()
      .catch(() => undefined);
  await bucket.delete(await leftoverKeys(bucket, upload));
}

/** The keys an unfinished upload may have written besides its multipart upload: its object and its tails. */
export async function leftoverKeys(bucket: R2Bucket, upload: Pick<UploadRecord, "id" | "key" | "tailKey">): Promise<string[]> {
  const tails = await bucket.list({ prefix: tailPrefix(upload.id) });
  return [...new Set([upload.key, ...(upload.tailKey ? [upload.tailKey] : []), ...tails.objects.map((object) => object.key)])];
}

/**
 * The last part of a finished upload spent its recorded tail: a tail still under its prefix was
 * written by a request that died before it could record or delete it. The file is made already, so
 * a failure here is only logged.
 */
async function deleteStrayTails(bucket: R2Bucket, uploadId: string): Promise<void> {
  try {
    const strays = await bucket.list({ prefix: tailPrefix(uploadId) });
    if (strays.objects.length > 0) await bucket.delete(strays.objects.map((object) => object.key));
  } catch (error) {
    logEvent("warn", "stray upload tails not deleted", { uploadId, error: error instanceof Error ? error.message : String(error) });
  }
}

/** Where an upload's tails are kept: one key per write (tus-uploads.ts), so no two requests ever write one. */
export const tailPrefix = (uploadId: string) => `uploads/${uploadId}/`;
