import { ApiError } from "../http/errors";
import { logEvent } from "../observability/log";
import type { ServedContent } from "./file-content";
import { isImage } from "./media-types";
import type { StoredFile } from "./records/files";
import { variantKey } from "./variant-keys";

/** The only sizes a variant may have (either side), so nobody can mint unbounded variants. */
export const VARIANT_SIZES = [32, 64, 128, 256, 512, 1024, 2048] as const;
export const VARIANT_FITS = ["scale-down", "contain", "cover", "crop", "pad"] as const;
export const VARIANT_FORMATS = ["webp", "avif", "jpeg", "png"] as const;

export interface VariantRequest {
  width?: number;
  height?: number;
  fit?: (typeof VARIANT_FITS)[number];
  format?: (typeof VARIANT_FORMATS)[number];
}

export const wantsVariant = (request: VariantRequest) =>
  request.width !== undefined || request.height !== undefined || request.fit !== undefined || request.format !== undefined;

/** A name for the variant that says everything that makes it (and nothing else). */
export function variantName(request: VariantRequest): string {
  return `${request.width ?? "auto"}x${request.height ?? "auto"}-${request.fit ?? "scale-down"}.${request.format ?? "webp"}`;
}

/** Anything with an Images binding's shape: the real one, or the local one backed by sharp. */
export type ImageTransformer = Pick<ImagesBinding, "input">;

/**
 * The variant of an image file, made once through the Images binding and kept in R2 under the
 * bytes' hash and the file's owner (variantKey: no cache shared between owners, so no timing tells
 * whether someone else stored the same bytes); later requests for that owner's files with those
 * bytes read it from R2.
 */
export async function variantContent(
  bucket: R2Bucket,
  images: ImageTransformer | undefined,
  file: StoredFile,
  request: VariantRequest,
): Promise<ServedContent> {
  if (!isImage(file.contentType)) throw new ApiError(415, "variant_unsupported", "Only images have resized variants");
  if (!images) throw new ApiError(503, "not_configured", "Image variants need the IMAGES binding");
  const name = variantName(request);
  const key = variantKey(file.sha256, file.ownerId, name);
  const format = `image/${request.format ?? "webp"}` as const;
  const served = (size: number): ServedContent => ({ key, size, contentType: format, name: file.name, etag: `"${file.sha256}-${name}"` });

  const cached = await bucket.head(key);
  if (cached) return served(cached.size);

  const original = await bucket.get(file.key);
  if (!original) throw new ApiError(404, "not_found", "The bytes of this file are gone");
  let bytes: ArrayBuffer;
  try {
    const result = await images
      .input(original.body)
      .transform({ width: request.width, height: request.height, fit: request.fit ?? "scale-down" })
      .output({ format });
    bytes = await result.response().arrayBuffer();
  } catch (error) {
    // The transformer's words (a stack, server paths) go to the log, never into the answer.
    logEvent("warn", "image variant not made", { fileId: file.id, variant: name, error: error instanceof Error ? error.message : String(error) });
    throw new ApiError(415, "variant_unsupported", "This image cannot be resized");
  }
  // Variants are at most 2048 pixels a side: small enough to hold once while storing.
  await bucket.put(key, bytes, { httpMetadata: { contentType: format } });
  return served(bytes.byteLength);
}
