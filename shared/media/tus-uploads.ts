import { ApiError } from "../http/errors";
import { type ClaimedSession, endedSessionRefusal } from "../identity/sessions/principal";
import { newId } from "../ids";
import { enforceRateLimit } from "../rate-limits";
import { BodyCursor, copyStream, sizedStream } from "./body-cursor";
import { checkSize, quotaExceeded, refuseTypeFor, uploadKey, cleanFileName } from "./files";
import { FILE_PURPOSES, uploadType, FILE_VISIBILITIES, type FilePurpose, type FileVisibility } from "./media-types";
import { MAX_PART_NUMBER, partSizeFor, planPatch } from "./part-plan";
import {
  attachMultipart,
  deleteUpload,
  failHeldUpload,
  findOwnUpload,
  findUpload,
  openUploadSlot,
  releaseUploadLease,
  saveUploadProgress,
  takeUploadLease,
  terminateOwnUpload,
  type UploadRecord,
} from "./records/uploads";
import { forgetLiveHash, patchHashFor } from "./tus-hash";
import { discardUploadBytes, finishHeldUpload, finishReceivedUpload, tailPrefix, UPLOAD_LEASE_MS } from "./tus-completion";
import { tusError, tusHeaders } from "./tus-protocol";
import { UploadHead } from "./byte-intake";
import type { Deps } from "../platform/deps-types";

export interface UploadView {
  id: string;
  offset: number;
  length: number;
  fileId: string | null;
  expiresAt: string;
}

export const uploadView = (upload: UploadRecord): UploadView => ({
  id: upload.id,
  offset: upload.offset,
  length: upload.length,
  fileId: upload.fileId,
  expiresAt: upload.expiresAt.toISOString(),
});

export interface TusCreation {
  length: number;
  metadata: Record<string, string>;
}

/** tus creation: limits and the quota slot first, then the R2 multipart upload the parts go to. */
export async function createTusUpload(deps: Deps, ownerId: string, creation: TusCreation): Promise<UploadRecord> {
  const config = deps.config.media;
  const purpose = creation.metadata.purpose as FilePurpose;
  if (!FILE_PURPOSES.includes(purpose)) throw tusError(400, "invalid_metadata", `Upload-Metadata must carry a purpose: ${FILE_PURPOSES.join(", ")}`);
  const visibility = (creation.metadata.visibility ?? "private") as FileVisibility;
  if (!FILE_VISIBILITIES.includes(visibility)) throw tusError(400, "invalid_metadata", "visibility is private or public");
  checkSize(config, purpose, creation.length);
  await enforceRateLimit(deps, `upload:${ownerId}`, config.uploadRateLimit);

  const now = deps.clock.now();
  const id = newId(now);
  const slot = {
    id,
    ownerId,
    kind: "tus" as const,
    purpose,
    name: cleanFileName(creation.metadata.name ?? creation.metadata.filename),
    visibility,
    length: creation.length,
    key: uploadKey(id),
    partSize: partSizeFor(creation.length),
    multipartId: null,
    createdAt: now,
    expiresAt: now + config.uploadExpirySeconds * 1000,
  };
  if (!(await openUploadSlot(deps.db, slot, config.quotaBytes))) throw quotaExceeded(config);
  try {
    const multipart = await deps.files.createMultipartUpload(slot.key);
    const upload = await attachMultipart(deps.db, id, multipart.uploadId);
    if (!upload) throw new Error(`Upload ${id} vanished while it was created`);
    return upload;
  } catch (error) {
    await deleteUpload(deps.db, id);
    throw error;
  }
}

/**
 * The owner's upload. One that failed, or whose expiry passed before its bytes were all in, is gone
 * for the client at once (the cron removes its bytes later); one whose bytes are all in is finished,
 * whenever it is asked about.
 */
export async function ownUpload(deps: Deps, id: string, ownerId: string): Promise<UploadRecord> {
  const upload = await findOwnUpload(deps.db, id, ownerId);
  const expired = upload?.status === "receiving" && upload.offset < upload.length && upload.expiresAt.getTime() <= deps.clock.now();
  if (!upload || upload.status === "failed" || expired) throw tusError(404, "not_found", "No such upload");
  return upload;
}

/**
 * The owner's upload as HEAD and GET tell it: one whose bytes are all in but whose file was not made
 * (its last PATCH failed or died after recording them) is finished first, so an offset equal to the
 * length always means the file exists.
 */
export async function uploadProgress(deps: Deps, id: string, ownerId: string): Promise<UploadRecord> {
  return finishReceivedUpload(deps, await ownUpload(deps, id, ownerId), { now: deps.clock.now() });
}

export interface TusPatch {
  offset: number;
  length: number | null;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * One PATCH: whole parts are streamed into R2 as the bytes arrive (the stored tail first), the
 * rest is kept as the new tail, and every durable step is recorded with the running hash, so an
 * interrupted request loses at most the bytes after the last step. The last byte completes the
 * multipart upload, checks the type and makes the file. The bytes are hashed by the platform's
 * digest, kept in this isolate for the upload's next PATCH once every byte it took is recorded
 * (tus-hash.ts); a PATCH that finds none stores unhashed, and completion reads the object back.
 *
 * A blob's bytes must always hash to its recorded SHA-256, whatever requests race, stall or lose
 * their lease, so no two requests ever write the same R2 key: parts get numbers only this lease
 * holds (takeUploadLease), and a tail is a new key per write. Only what the current lease recorded
 * is ever used (the row's parts and tail; R2 checks each part's etag on complete). A request that
 * loses its lease or its upload waits for what it started writing, deletes the tail it did not
 * record (R2 drops parts nobody records when the multipart upload completes or is aborted), and
 * answers as a refused PATCH would (404 for a terminated upload, 409 or 423 when another request
 * wrote or writes it), never a 5xx.
 */
export async function patchTusUpload(deps: Deps, session: ClaimedSession, id: string, patch: TusPatch): Promise<UploadRecord> {
  const config = deps.config.media;
  const leaseId = newId();
  // The lease is taken with every condition of a good PATCH, the owner's session being live among
  // them (the request's one D1 round trip before its bytes); only a refused one reads to tell why.
  const upload =
    patch.length !== null && patch.body
      ? await takeUploadLease(deps.db, id, session, patch.offset, patch.length, leaseId, deps.clock.now(), UPLOAD_LEASE_MS)
      : undefined;
  if (!upload) throw await refusedPatch(deps, id, session, patch);
  if (patch.length === null || !patch.body) throw new Error("unreachable: a lease needs a length and a body");

  const parts = JSON.parse(upload.parts) as R2UploadedPart[];
  const plan = planPatch(
    {
      length: upload.length,
      partSize: upload.partSize,
      partsDone: parts.length,
      tailBytes: upload.tailBytes,
      firstPartNumber: upload.leaseFirstPart ?? parts.length + 1,
    },
    patch.length,
  );
  if (plan.parts.some((part) => part.partNumber > MAX_PART_NUMBER)) {
    // Only requests that stalled past their lease while others took over use numbers up: the upload cannot go on.
    if (await failHeldUpload(deps.db, id, leaseId, "part_numbers_exhausted")) await discardUploadBytes(deps.files, upload);
    throw tusError(410, "upload_failed", "Too many requests stalled and were taken over on this upload; start a new one");
  }

  const hash = patchHashFor(upload);
  const head = upload.offset === 0 ? new UploadHead(upload.length) : null;
  const acceptType = refuseTypeFor(upload.purpose);
  let refusal: unknown;
  const cursor = new BodyCursor(patch.body, (chunk) => {
    if (head && !head.full) {
      const sniffable = head.sniffable;
      head.add(chunk);
      // The first bytes decide the type: checked after the first stored step, so a wrong type stops the upload early.
      if (!sniffable && head.sniffable) refusal = "pending";
    }
    hash.update(chunk);
  });

  const multipart = deps.files.resumeMultipartUpload(upload.key, upload.multipartId!);
  let offset = upload.offset;
  let tailKey = upload.tailKey;
  let tailBytes = upload.tailBytes;
  // Every R2 write this request starts, so none is still running when it gives up; and the tail it
  // wrote but has not recorded yet, which it deletes then.
  const writes: Promise<unknown>[] = [];
  let unrecordedTail: string | null = null;

  // The last durable step of a PATCH that does not complete the upload also frees the lease.
  let released = false;
  let savedHashState = upload.hashState;
  const save = async (hashState: string, last: boolean) => {
    const now = deps.clock.now();
    savedHashState = hashState;
    released = last && !plan.completes;
    const saved = await saveUploadProgress(deps.db, id, leaseId, {
      release: released,
      offset,
      parts: JSON.stringify(parts),
      hashState,
      tailKey,
      tailBytes,
      expiresAt: now + config.uploadExpirySeconds * 1000,
      leaseExpiresAt: now + UPLOAD_LEASE_MS,
    });
    if (!saved) throw new LeaseLost();
  };
  const checkHead = async () => {
    if (refusal !== "pending" || !head) return;
    refusal = undefined;
    const type = await uploadType(upload.purpose, head.view);
    acceptType(type);
  };

  // A part is confirmed and recorded while the next one streams (at most one part waits for its
  // confirmation), in order; each record carries the hash state at the end of its own part.
  let landing: Promise<void> | null = null;
  const land = async (part: (typeof plan.parts)[number], uploading: Promise<R2UploadedPart>, hashState: string, last: boolean) => {
    const uploaded = await uploading;
    parts.push({ partNumber: uploaded.partNumber, etag: uploaded.etag });
    const spentTail = part.fromTail > 0 ? tailKey : null;
    offset += part.fromBody;
    if (spentTail) {
      tailKey = null;
      tailBytes = 0;
    }
    await save(hashState, last);
    if (spentTail) await deps.files.delete(spentTail);
  };

  try {
    for (const [index, part] of plan.parts.entries()) {
      const tail = part.fromTail > 0 ? await storedTail(deps, tailKey, id) : null;
      const stream = sizedStream(part.fromTail + part.fromBody, async (writer) => {
        if (tail) await copyStream(tail, writer);
        await cursor.copyInto(writer, part.fromBody);
      });
      const uploading = multipart.uploadPart(part.partNumber, stream.readable);
      writes.push(uploading.catch(() => undefined)); // awaited in land(); a failed stream fails it too
      await stream.done;
      const hashState = hash.saved();
      await checkHead();
      if (landing) await landing;
      landing = land(part, uploading, hashState, index === plan.parts.length - 1 && plan.newTailBytes === 0);
      landing.catch(() => undefined); // awaited before the next part lands, or below
    }
    if (plan.newTailBytes > 0) {
      const fromBody = plan.newTailBytes - plan.newTailFromOldTail;
      const tail = plan.newTailFromOldTail > 0 ? await storedTail(deps, tailKey, id) : null;
      const newKey = `${tailPrefix(id)}tail-${upload.offset + patch.length}-${leaseId}`;
      const stream = sizedStream(plan.newTailBytes, async (writer) => {
        if (tail) await copyStream(tail, writer);
        await cursor.copyInto(writer, fromBody);
      });
      unrecordedTail = newKey;
      const putting = deps.files.put(newKey, stream.readable);
      writes.push(putting.catch(() => undefined));
      await Promise.all([putting, stream.done]);
      await checkHead();
      if (landing) await landing;
      const oldKey = tailKey;
      offset += fromBody;
      tailKey = newKey;
      tailBytes = plan.newTailBytes;
      await save(hash.saved(), true);
      unrecordedTail = null;
      if (oldKey) await deps.files.delete(oldKey);
    }
    if (landing) await landing;
  } catch (error) {
    // What a part still landing brings is recorded before the lease goes; the body stops, so a
    // part still streaming fails; then nothing this request started is still writing.
    if (landing) await landing.catch(() => undefined);
    await cursor.release();
    await Promise.allSettled(writes);
    // A save that D1 made but whose answer was lost has recorded the tail after all: it stays then.
    if (unrecordedTail && (await findUpload(deps.db, id))?.tailKey !== unrecordedTail) await deps.files.delete(unrecordedTail);
    throw await failedPatch(deps, session, { ...upload, tailKey }, leaseId, error, { patch, broken: cursor.broken, offset });
  }

  if (!plan.completes) {
    if (!released) await releaseUploadLease(deps.db, id, leaseId);
    hash.keep(id);
    return { ...upload, offset, tailKey, tailBytes, leaseId: null };
  }
  // A PATCH that began at offset 0 holds the whole head: no need to read it back. A digest that
  // fails leaves the hash to the finishing step (from the saved state or the object).
  const sha256 = await hash.digest().catch(() => null);
  const received = { ...upload, offset, parts: JSON.stringify(parts), hashState: savedHashState, tailKey, tailBytes };
  return finishHeldUpload(deps, received, { sha256, head: head?.full ? head.view : null }, { now: deps.clock.now() });
}

/** A durable step found the lease gone: terminated, expired, or taken over after it ran out. */
class LeaseLost extends Error {
  constructor() {
    super("The PATCH lost its lease");
  }
}

/**
 * The answer to a PATCH that failed after taking its lease (its writes have settled). A type
 * refused for the purpose ends the upload. A PATCH that no longer holds its lease answers as a
 * refused PATCH would (404 for a terminated or expired upload, 409 or 423 when another request
 * took over), whatever R2 said about a multipart upload that is gone. Otherwise the lease goes,
 * and a body that broke off is a 400 telling the offset the upload is at.
 */
async function failedPatch(
  deps: Deps,
  session: ClaimedSession,
  upload: UploadRecord,
  leaseId: string,
  error: unknown,
  request: { patch: TusPatch; broken: boolean; offset: number },
): Promise<unknown> {
  if (error instanceof ApiError && error.status === 415) {
    if (await failHeldUpload(deps.db, upload.id, leaseId, "unsupported_media_type")) {
      await discardUploadBytes(deps.files, upload);
      return error;
    }
  } else if (await releaseUploadLease(deps.db, upload.id, leaseId)) {
    if (request.broken) return new ApiError(400, "body_incomplete", `The body broke off; the upload is at offset ${request.offset}`, {}, tusHeaders);
    return error;
  }
  return refusedPatch(deps, upload.id, session, request.patch);
}

/**
 * Why a PATCH got no lease, in the order a client should hear it. An upload whose bytes are all in
 * is finished first, so no answer tells its offset before its file exists.
 */
async function refusedPatch(deps: Deps, id: string, session: ClaimedSession, patch: TusPatch): Promise<ApiError> {
  const ended = await endedSessionRefusal(deps, session);
  if (ended) return ended;
  const current = await finishReceivedUpload(deps, await ownUpload(deps, id, session.userId), { now: deps.clock.now() });
  if (patch.length === null || !patch.body) return tusError(411, "length_required", "Send the bytes with a content-length");
  if (current.status === "completed" || patch.offset !== current.offset) {
    return new ApiError(409, "offset_mismatch", `The upload is at offset ${current.offset}`, {}, { ...tusHeaders, "upload-offset": String(current.offset) });
  }
  if (current.offset + patch.length > current.length) return tusError(413, "upload_too_long", "The bytes run past Upload-Length");
  return new ApiError(423, "upload_locked", "Another request is writing this upload", {}, { ...tusHeaders, "retry-after": "1" });
}

async function storedTail(deps: Deps, key: string | null, uploadId: string): Promise<ReadableStream<Uint8Array>> {
  const tail = key ? await deps.files.get(key) : null;
  if (!tail) throw new Error(`The stored tail ${key} of upload ${uploadId} is missing`);
  return tail.body;
}

/** tus termination: the upload and its stored bytes go (a completed upload's file stays). */
export async function terminateTusUpload(deps: Deps, ownerId: string, id: string): Promise<void> {
  const upload = await terminateOwnUpload(deps.db, id, ownerId);
  if (!upload) throw tusError(404, "not_found", "No such upload");
  forgetLiveHash(id);
  if (upload.status === "receiving") await discardUploadBytes(deps.files, upload);
}
