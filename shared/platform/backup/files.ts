import { ApiError } from "../../http/errors";
import type { Deps } from "../deps-types";

/** What a backup keeps of an R2 object besides its bytes. */
export interface StoredObjectMetadata {
  httpMetadata: {
    contentType?: string;
    contentLanguage?: string;
    contentDisposition?: string;
    contentEncoding?: string;
    cacheControl?: string;
    cacheExpiry?: string;
  };
  customMetadata: Record<string, string>;
}

export interface StoredObject extends StoredObjectMetadata {
  key: string;
  size: number;
  etag: string;
  uploaded: string;
}

function metadataOf(object: R2Object): StoredObjectMetadata {
  const { cacheExpiry, ...http } = object.httpMetadata ?? {};
  return { httpMetadata: { ...http, ...(cacheExpiry ? { cacheExpiry: cacheExpiry.toISOString() } : {}) }, customMetadata: object.customMetadata ?? {} };
}

/** One page of every object in the bucket (blobs, variants, unfinished upload parts), with metadata. */
export async function listStoredObjects(deps: Deps, cursor: string | undefined, limit: number): Promise<{ objects: StoredObject[]; cursor: string | null }> {
  let listed: R2Objects;
  try {
    listed = await deps.files.list({ limit, ...(cursor ? { cursor } : {}), include: ["httpMetadata", "customMetadata"] });
  } catch (error) {
    // R2 refuses a cursor it did not issue; anything else is ours.
    if (cursor) throw new ApiError(400, "invalid_cursor", "The cursor is not one this listing gave");
    throw error;
  }
  return {
    objects: listed.objects.map((object) => ({
      key: object.key,
      size: object.size,
      etag: object.etag,
      uploaded: object.uploaded.toISOString(),
      ...metadataOf(object),
    })),
    cursor: listed.truncated ? listed.cursor : null,
  };
}

export async function readStoredObject(deps: Deps, key: string): Promise<{ body: ReadableStream; size: number; metadata: StoredObjectMetadata }> {
  const object = await deps.files.get(key);
  if (!object) throw new ApiError(404, "not_found", `No object ${key} in the bucket`);
  return { body: object.body, size: object.size, metadata: metadataOf(object) };
}

/**
 * Writes an object back as it was. With `sha256` R2 itself refuses bytes that hash otherwise,
 * so a damaged copy never lands under a content-addressed key.
 */
export async function writeStoredObject(
  deps: Deps,
  key: string,
  body: ReadableStream,
  length: number,
  metadata: StoredObjectMetadata,
  sha256: string | undefined,
) {
  const { cacheExpiry, ...http } = metadata.httpMetadata;
  const stream = body.pipeThrough(new FixedLengthStream(length));
  try {
    const object = await deps.files.put(key, stream, {
      httpMetadata: { ...http, ...(cacheExpiry ? { cacheExpiry: new Date(cacheExpiry) } : {}) },
      customMetadata: metadata.customMetadata,
      ...(sha256 ? { sha256 } : {}),
    });
    return { key, size: object?.size ?? length };
  } catch (error) {
    if (sha256 && /digest|checksum|sha-?256/i.test(String(error)))
      throw new ApiError(400, "restore_checksum_mismatch", `The bytes of ${key} do not have the SHA-256 the backup recorded`);
    throw error;
  }
}
