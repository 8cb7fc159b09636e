import { defineErrors } from "../http/errors";

/** The error codes of files, uploads (plain and tus), variants and signed content URLs. */
export const mediaErrors = defineErrors({
  empty_upload: { status: 400, description: "The upload has no bytes." },
  body_incomplete: { status: 400, description: "The body broke off before its declared length; a tus upload resumes from the offset named." },
  checksum_mismatch: { status: 400, description: "The bytes do not have the declared `x-content-sha256`." },
  invalid_file: { status: 400, description: "The file is not of a kind this use accepts (for example not an image)." },
  invalid_metadata: { status: 400, description: "tus `Upload-Metadata` lacks a purpose or carries an unusable value." },
  invalid_signature: { status: [401, 403], description: "A signature does not verify: a signed content URL (403) or a Stream webhook (401)." },
  url_expired: { status: 403, description: "The signed content URL has expired; ask for a new one." },
  already_published: { status: 409, description: "The file is in the gallery already." },
  offset_mismatch: { status: 409, description: "The tus `Upload-Offset` is not where the upload is; HEAD it and resume there." },
  finish_failed: { status: 410, description: "The upload's file could not be made before the upload expired." },
  upload_expired: { status: 410, description: "The upload expired or was terminated." },
  upload_failed: { status: 410, description: "The upload cannot go on (too many requests stalled and were taken over); start a new one." },
  length_required: { status: 411, description: "The bytes must come with a `content-length`." },
  file_too_large: { status: 413, description: "The file is larger than its purpose allows (MEDIA_MAX_BYTES, VIDEO_MAX_BYTES)." },
  quota_exceeded: { status: 413, description: "The user's files and uploads would exceed MEDIA_QUOTA_BYTES." },
  upload_too_long: { status: 413, description: "The bytes run past the declared `Upload-Length`." },
  tus_version_unsupported: { status: 412, description: "`Tus-Resumable` names a tus version other than 1.0.0." },
  variant_unsupported: { status: 415, description: "Only images have resized variants." },
  range_not_satisfiable: { status: 416, description: "The `Range` lies outside the file." },
  upload_locked: { status: 423, description: "Another request is writing this upload; retry when it has ended." },
  upload_finishing: { status: 423, description: "The upload is being turned into a file; retry shortly." },
  not_configured: { status: 503, description: "A feature needs a secret or binding this deployment lacks (signed URLs, Images)." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    media: typeof mediaErrors;
  }
}
