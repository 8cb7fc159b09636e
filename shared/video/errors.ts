import { defineErrors } from "../http/errors";

/** The error codes of videos, playback, moderation and Stream webhooks. */
export const videoErrors = defineErrors({
  body_missing: { status: 400, description: "The video upload body holds no bytes." },
  body_length_mismatch: { status: 400, description: "The body is longer than its `content-length`." },
  language_required: { status: 400, description: "Captions are asked for without a language where VIDEO_CAPTION_LANGUAGE is empty: name one." },
  stale_signature: { status: 401, description: "A Stream webhook's signature is older than VIDEO_WEBHOOK_TOLERANCE_SECONDS." },
  already_reported: { status: 409, description: "The caller reported this video already." },
  already_uploaded: { status: 409, description: "The video's bytes were received already." },
  captions_exist: { status: 409, description: "The video has ready captions in that language already; they are kept, not made again." },
  direct_upload: { status: 409, description: "This video's bytes go to the upload URL that POST /v1/videos returned, not through the Worker." },
  invalid_status: { status: 409, description: "The moderation decision does not apply to the video's status." },
  no_revision: { status: 409, description: "The video has no pending revision to decide." },
  revision_changed: { status: 409, description: "The owner changed the pending revision since the moderator looked at it; look at the current one." },
  not_ready: { status: 409, description: "The video is not ready to play yet." },
  not_uploaded: { status: 409, description: "The action needs the video's bytes first." },
  too_many_caption_languages: { status: 409, description: "The video has captions (ready, pending or failed) in as many languages as one video may have (5)." },
  playback_signing_unavailable: { status: 503, description: "No Stream signing key is configured (VIDEO_SIGNING_KEY)." },
  video_host_unavailable: { status: 503, description: "Video hosting (the STREAM binding) is not configured." },
  webhook_not_configured: { status: 503, description: "VIDEO_WEBHOOK_SECRET is not set, so webhooks cannot be verified." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    video: typeof videoErrors;
  }
}
