import { z } from "zod";
import { ApiError, badRequest, notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import { newId } from "../ids";
import { metrics } from "../observability/metrics";
import { enforceRateLimit } from "../rate-limits";
import { streamIntoBucket } from "./byte-intake";
import type { Config } from "../config";
import { type DetectedType, type FilePurpose, type FileVisibility, imageDimensions, isAllowedFor, uploadType } from "./media-types";
import type { Deps } from "../platform/deps-types";
import { audioDetailsOf } from "./audio-details";
import { deleteOwnFile, type FileRecord, findReadableFile, listOwnFiles, setAudioDetails, type StoredFile } from "./records/files";
import { completeUpload, deleteUpload, openUploadSlot } from "./records/uploads";

/** The media section of the config (`deps.config.media`). */
export type MediaConfig = Config["media"];

/** A file as the API shows it. */
export interface FileView {
  id: string;
  ownerId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  purpose: FilePurpose;
  visibility: FileVisibility;
  width?: number;
  height?: number;
  /** Audio: the recording's length and loudness as its recorder measured them (display only). */
  durationMs?: number;
  waveform?: string;
  createdAt: string;
}

export function fileView(file: FileRecord): FileView {
  return {
    id: file.id,
    ownerId: file.ownerId,
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    purpose: file.purpose,
    visibility: file.visibility,
    ...(file.width !== null && file.height !== null ? { width: file.width, height: file.height } : {}),
    ...audioDetailsOf(file),
    createdAt: file.createdAt.toISOString(),
  };
}

export { audioDetailsOf } from "./audio-details";

/**
 * Types a recording may carry a length and loudness for: audio, and WebM (a browser's recorded
 * voice message is WebM, typed video/webm from its bytes).
 */
const RECORDING_TYPES = /^(audio\/|video\/webm$)/;

/** A display name safe to store and echo: no path, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 255);
  return cleaned || "file";
}

/** R2 key of the bytes an upload brings (becomes the blob's key when the bytes are new). */
export const uploadKey = (uploadId: string) => `blobs/${uploadId}`;

export function refuseTypeFor(purpose: FilePurpose) {
  return (type: DetectedType | null) => {
    if (!type) throw new ApiError(415, "unsupported_media_type", "The bytes are not a known file type");
    if (!isAllowedFor(purpose, type.mime)) throw new ApiError(415, "unsupported_media_type", `A ${purpose} cannot be ${type.mime}`);
  };
}

export function checkSize(config: MediaConfig, purpose: FilePurpose, length: number): void {
  if (length <= 0) throw badRequest("empty_upload", "The upload has no bytes");
  const limit = config.maxBytes[purpose];
  if (length > limit) throw new ApiError(413, "file_too_large", `A ${purpose} may have at most ${limit} bytes`, { limit });
}

export const quotaExceeded = (config: MediaConfig) =>
  new ApiError(413, "quota_exceeded", `Your files and uploads would exceed your ${config.quotaBytes} bytes of storage`, { quota: config.quotaBytes });

export interface SingleUpload {
  purpose: FilePurpose;
  name?: string;
  visibility: FileVisibility;
  /** The content-length; null when the client sent none. */
  length: number | null;
  declaredSha256?: string;
  body: ReadableStream<Uint8Array> | null;
  /** A recording's length and loudness as the client measured them; kept for audio only. */
  audio?: { durationMs?: number; waveform?: string };
}

/**
 * One request, one file: limits first (size, rate, quota slot), then the bytes stream into R2
 * while they are hashed and typed, then one D1 batch makes the file (deduplicated by hash).
 */
export async function uploadFile(deps: Deps, ownerId: string, input: SingleUpload): Promise<FileView> {
  const config = deps.config.media;
  if (input.length === null || !input.body) throw new ApiError(411, "length_required", "Send the bytes with a content-length");
  checkSize(config, input.purpose, input.length);
  await enforceRateLimit(deps, `upload:${ownerId}`, config.uploadRateLimit);

  const now = deps.clock.now();
  const uploadId = newId(now);
  const key = uploadKey(uploadId);
  const slot = {
    id: uploadId,
    ownerId,
    kind: "single" as const,
    purpose: input.purpose,
    name: cleanFileName(input.name),
    visibility: input.visibility,
    length: input.length,
    key,
    partSize: 0,
    multipartId: null,
    createdAt: now,
    expiresAt: now + config.uploadExpirySeconds * 1000,
  };
  if (!(await openUploadSlot(deps.db, slot, config.quotaBytes))) throw quotaExceeded(config);

  let intake: Awaited<ReturnType<typeof streamIntoBucket>>;
  try {
    intake = await streamIntoBucket(deps.files, key, input.body, input.length, {
      declaredSha256: input.declaredSha256,
      acceptType: refuseTypeFor(input.purpose),
      typeOf: (head) => uploadType(input.purpose, head),
    });
  } catch (error) {
    await deleteUpload(deps.db, uploadId);
    throw error;
  }
  const dimensions = imageDimensions(intake.head, intake.type.mime);
  const file = await finishFile(deps, {
    uploadId,
    key,
    ownerId,
    name: slot.name,
    purpose: input.purpose,
    visibility: input.visibility,
    sha256: intake.sha256,
    size: intake.size,
    contentType: intake.type.mime,
    width: dimensions?.width ?? null,
    height: dimensions?.height ?? null,
    keepSlot: false,
  });
  const audio = input.audio;
  if (audio && (audio.durationMs !== undefined || audio.waveform !== undefined) && RECORDING_TYPES.test(file.contentType)) {
    const details = { durationMs: audio.durationMs ?? null, waveform: audio.waveform ?? null };
    await setAudioDetails(deps.db, file.id, details);
    return { ...file, ...audioDetailsOf(details) };
  }
  return file;
}

export interface FinishedBytes {
  uploadId: string;
  key: string;
  ownerId: string;
  name: string;
  purpose: FilePurpose;
  visibility: FileVisibility;
  sha256: string;
  size: number;
  contentType: string;
  width: number | null;
  height: number | null;
  /** tus keeps its upload row (GET /v1/uploads/:id answers with the file id). */
  keepSlot: boolean;
  /** Until when a kept row stays (a late finish gives the client a full expiry period to ask); unchanged when absent. */
  slotExpiresAt?: number;
}

/** Records the file; when the same bytes were stored already, this upload's copy goes. */
export async function finishFile(deps: Deps, bytes: FinishedBytes): Promise<FileView> {
  const file = await recordFile(deps, bytes);
  if (!file) {
    await deps.files.delete(bytes.key);
    throw new ApiError(410, "upload_expired", "The upload expired before it completed");
  }
  return file;
}

/**
 * finishFile's D1 batch and what follows it. Null when the upload was no longer receiving (nothing
 * was made, and the upload's bytes are left to the caller: another request may have made the file
 * from them already).
 */
export async function recordFile(deps: Deps, bytes: FinishedBytes): Promise<FileView | null> {
  const now = deps.clock.now();
  const fileId = newId(now);
  const blob = await completeUpload(
    deps.db,
    {
      uploadId: bytes.uploadId,
      blobId: bytes.uploadId,
      key: bytes.key,
      sha256: bytes.sha256,
      size: bytes.size,
      contentType: bytes.contentType,
      createdAt: now,
    },
    { id: fileId, ownerId: bytes.ownerId, name: bytes.name, purpose: bytes.purpose, visibility: bytes.visibility, width: bytes.width, height: bytes.height },
    bytes.keepSlot,
    bytes.slotExpiresAt,
  );
  if (!blob) return null;
  if (blob.key !== bytes.key) await deps.files.delete(bytes.key);
  metrics.count("media_uploads_total", {});
  metrics.count("media_upload_bytes_total", {}, bytes.size);
  return {
    id: fileId,
    ownerId: bytes.ownerId,
    name: bytes.name,
    contentType: bytes.contentType,
    size: bytes.size,
    sha256: bytes.sha256,
    purpose: bytes.purpose,
    visibility: bytes.visibility,
    ...(bytes.width !== null && bytes.height !== null ? { width: bytes.width, height: bytes.height } : {}),
    createdAt: new Date(now).toISOString(),
  };
}

/** The file if the reader may see it, else 404 (a private file's id is never confirmed). */
export async function readableFile(deps: Deps, id: string, readerId: string | null): Promise<StoredFile> {
  const file = await findReadableFile(deps.db, id, readerId);
  if (!file) throw notFound("No such file");
  return file;
}

const FileCursor = z.object({ before: z.string().max(64) });

export async function listFiles(
  deps: Deps,
  ownerId: string,
  purpose: FilePurpose | undefined,
  cursor: string | undefined,
  limit: number,
): Promise<Page<FileView>> {
  const rows = await listOwnFiles(deps.db, ownerId, purpose, decodeCursor(cursor, FileCursor)?.before, limit);
  return keysetPage(rows, limit, fileView, (last) => ({ before: last.id }));
}

export async function deleteFile(deps: Deps, id: string, ownerId: string): Promise<void> {
  if (!(await removeOwnFile(deps, id, ownerId))) throw notFound("No such file");
}

/**
 * Deletes the owner's file, and with it every reference to it: media's own (gallery entry,
 * attachments, avatar) and other modules' (`deps.fileReferences`). False when there was no such file.
 */
export async function removeOwnFile(deps: Deps, id: string, ownerId: string): Promise<boolean> {
  return deleteOwnFile(deps.db, id, ownerId, deps.clock.now(), (fileIds) =>
    deps.fileReferences.flatMap((references) => references.releaseQueries?.(deps.db, fileIds) ?? []),
  );
}
