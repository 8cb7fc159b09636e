import { ApiError } from "../../http/errors";
import { streamIntoBucket } from "../../media/byte-intake";
import { checkSize, cleanFileName, uploadKey } from "../../media/files";
import { type DetectedType, imageDimensions, isAllowedFor } from "../../media/media-types";
import { findFile } from "../../media/records/files";
import { completeUpload, deleteUpload, openUploadSlot } from "../../media/records/uploads";
import { metrics } from "../../observability/metrics";
import type { Deps } from "../../platform/deps-types";
import type { ResultSource } from "../providers/provider-adapter";
import { derivedId } from "./derived-ids";
import { readAtMost } from "../../http/bounded-read";

/** A result that could not be stored; `retryable` ones (the download's 5xx, 429, timeout) may work later. */
export class ResultError extends Error {
  constructor(
    readonly retryable: boolean,
    message: string,
  ) {
    super(message);
    this.name = "ResultError";
  }
}

export interface StoredResult {
  fileId: string;
  thumbnailFileId: string | null;
}

export interface ResultTarget {
  assetId: string;
  ownerId: string;
  kind: "image" | "video";
}

const THUMBNAIL_SIZE = 256;

/** Bytes as a readable byte stream: the intake reads with BYOB readers. */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: "bytes",
    start(controller) {
      // A copy: enqueueing detaches the buffer, and the caller may still need it.
      controller.enqueue(bytes.slice());
      controller.close();
    },
  });
}

/**
 * Stores result `index` of an asset as a media file of purpose `asset` (the bytes once per
 * SHA-256 in R2, typed by magic bytes), with a 256-pixel WebP thumbnail for images. The file ids
 * are derived from the asset id, so a repeated call finds the files it stored before and adds no
 * second file or blob reference.
 */
export async function storeResult(deps: Deps, target: ResultTarget, index: number, source: ResultSource, timeoutMs: number): Promise<StoredResult> {
  const fileId = await derivedId(target.assetId, `file:${index}`);
  if (!(await findFile(deps.db, fileId))) {
    const download = await openResult(deps, source, timeoutMs);
    await storeBytes(deps, target, { fileId, uploadId: await derivedId(target.assetId, `upload:${index}`), name: `${target.assetId}-${index}`, ...download });
  }
  const thumbnailFileId = target.kind === "image" ? await storeThumbnail(deps, target, index, fileId) : null;
  return { fileId, thumbnailFileId };
}

interface Download {
  body: ReadableStream<Uint8Array>;
  length: number;
}

async function openResult(deps: Deps, source: ResultSource, timeoutMs: number): Promise<Download> {
  if (source.kind === "bytes") return { body: streamOf(source.bytes), length: source.bytes.length };
  let response: Response;
  try {
    response = await deps.fetch(source.url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (error) {
    // The reason is the asset's, which its owner reads: the fetch error's words stay in the log.
    if (error instanceof Error && error.name === "TimeoutError")
      throw new ResultError(true, `The result could not be downloaded: no answer within ${timeoutMs} ms`);
    deps.log("warn", "studio result not downloaded", { error: String(error) });
    throw new ResultError(true, "The result could not be downloaded");
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    throw new ResultError(true, `The result download answered ${response.status}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new ResultError(false, `The result download answered ${response.status}`);
  }
  const limit = deps.config.media.maxBytes.asset;
  const declared = Number(response.headers.get("content-length"));
  if (response.headers.has("content-length") && Number.isSafeInteger(declared) && declared >= 0) return { body: response.body, length: declared };
  // R2 needs the length up front: without one, the bytes are read (up to the asset size limit) first.
  const bytes = await readAtMost(response.body, limit);
  if (!bytes) throw new ResultError(false, `The result is larger than ${limit} bytes`);
  return { body: streamOf(bytes), length: bytes.length };
}

function acceptFor(kind: "image" | "video") {
  return (type: DetectedType | null) => {
    if (!type) throw new ApiError(415, "unsupported_media_type", "The result is not a known file type");
    if (!isAllowedFor("asset", type.mime) || !type.mime.startsWith(`${kind}/`))
      throw new ApiError(415, "unsupported_media_type", `An ${kind} model's result cannot be ${type.mime}`);
  };
}

interface BytesToStore extends Download {
  fileId: string;
  uploadId: string;
  name: string;
  /** The type the bytes must be (results of image models are images, of video models videos). */
  kind?: "image" | "video";
}

/** The bytes as a file with the given id: quota slot first, then R2 (typed), then one D1 batch. */
async function storeBytes(deps: Deps, target: ResultTarget, bytes: BytesToStore): Promise<void> {
  const config = deps.config.media;
  try {
    checkSize(config, "asset", bytes.length);
  } catch (error) {
    await bytes.body.cancel();
    throw new ResultError(false, error instanceof ApiError ? (error.detail ?? error.code) : "The result's size could not be checked");
  }
  const key = uploadKey(bytes.uploadId);
  // A slot left by an attempt that stopped half-way is this attempt's to replace.
  await deleteUpload(deps.db, bytes.uploadId);
  const now = deps.clock.now();
  const opened = await openUploadSlot(
    deps.db,
    {
      id: bytes.uploadId,
      ownerId: target.ownerId,
      kind: "single",
      purpose: "asset",
      name: cleanFileName(bytes.name),
      visibility: "private",
      length: bytes.length,
      key,
      partSize: 0,
      multipartId: null,
      createdAt: now,
      expiresAt: now + config.uploadExpirySeconds * 1000,
    },
    config.quotaBytes,
  );
  if (!opened) {
    await bytes.body.cancel();
    throw new ResultError(false, `Storing the result would exceed the owner's ${config.quotaBytes} bytes of storage`);
  }
  let intake: Awaited<ReturnType<typeof streamIntoBucket>>;
  try {
    intake = await streamIntoBucket(deps.files, key, bytes.body, bytes.length, { acceptType: acceptFor(bytes.kind ?? target.kind) });
  } catch (error) {
    await deleteUpload(deps.db, bytes.uploadId);
    if (error instanceof ApiError) throw new ResultError(error.code === "body_incomplete", `The result was refused: ${error.detail ?? error.code}`);
    deps.log("warn", "studio result not stored", { assetId: target.assetId, error: String(error) });
    throw new ResultError(true, "The result could not be stored");
  }
  const dimensions = imageDimensions(intake.head, intake.type.mime);
  const blob = await completeUpload(
    deps.db,
    { uploadId: bytes.uploadId, blobId: bytes.uploadId, key, sha256: intake.sha256, size: intake.size, contentType: intake.type.mime, createdAt: now },
    {
      id: bytes.fileId,
      ownerId: target.ownerId,
      name: cleanFileName(`${bytes.name}.${intake.type.ext}`),
      purpose: "asset",
      visibility: "private",
      width: dimensions?.width ?? null,
      height: dimensions?.height ?? null,
    },
    false,
  );
  if (!blob) {
    await deps.files.delete(key);
    throw new ResultError(true, "The result's upload slot expired before the bytes were stored");
  }
  if (blob.key !== key) await deps.files.delete(key);
  metrics.count("media_uploads_total", {});
  metrics.count("media_upload_bytes_total", {}, intake.size);
}

/** A WebP of at most 256 pixels a side made by the Images binding; null (logged) when it cannot be made. */
async function storeThumbnail(deps: Deps, target: ResultTarget, index: number, fileId: string): Promise<string | null> {
  const thumbnailId = await derivedId(target.assetId, `thumbnail:${index}`);
  if (await findFile(deps.db, thumbnailId)) return thumbnailId;
  const file = await findFile(deps.db, fileId);
  const original = file ? await deps.files.get(file.key) : null;
  if (!deps.images || !original) return null;
  let webp: Uint8Array;
  try {
    const result = await deps.images
      .input(original.body)
      .transform({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: "scale-down" })
      .output({ format: "image/webp" });
    webp = new Uint8Array(await result.response().arrayBuffer());
  } catch (error) {
    deps.log("warn", "studio thumbnail not made", { assetId: target.assetId, error: String(error) });
    return null;
  }
  await storeBytes(deps, target, {
    fileId: thumbnailId,
    uploadId: await derivedId(target.assetId, `thumbnail-upload:${index}`),
    name: `${target.assetId}-${index}-thumbnail`,
    body: streamOf(webp),
    length: webp.length,
    kind: "image",
  });
  return thumbnailId;
}
