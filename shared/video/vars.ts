import { z } from "zod";
import { customVar, defineVars, numberWhereVar, optionalTextVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";
import { parseAccessRules } from "./access-rules";

/** The vars of videos, Stream, playback and moderation (docs/video.md). */
export const videoVars = defineVars({
  VIDEO_UPLOADS: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value) => (value === "direct" || value === "worker" ? value : undefined)),
    "direct/worker",
    {
      description:
        "`direct` (Stream one-time upload URLs) or `worker` (bytes through PUT /v1/videos/:id/content). Default: `worker` in development and tests (the local Stream emulation cannot make direct uploads), else `direct`.",
    },
  ),
  VIDEO_MAX_DURATION_SECONDS: numberWhereVar(
    3600,
    (n) => Number.isInteger(n) && n >= 1 && n <= 21_600,
    { description: "Longest video Stream accepts (1 to 21600)." },
    "seconds",
  ),
  VIDEO_MAX_BYTES: numberWhereVar(200 * 1024 * 1024, (n) => Number.isSafeInteger(n) && n > 0, { description: "Largest video upload." }, "bytes"),
  VIDEO_WATERMARK_ID: optionalTextVar({ description: "Stream watermark profile applied to every upload, when set." }),
  VIDEO_SIGNING_KEY: optionalTextVar(
    { description: "The Stream signing key (its JWK as JSON, or base64 of it as Stream hands it out).", secret: true },
    "JSON",
  ),
  VIDEO_SIGNING_KEY_ID: optionalTextVar({ description: "The signing key's id at Stream (else the JWK's `kid`)." }),
  VIDEO_PLAYBACK_TOKEN_TTL_SECONDS: numberWhereVar(
    3600,
    (n) => Number.isInteger(n) && n >= 60 && n <= 86_400,
    { description: "Lifetime of a signed playback token (60 to 86400)." },
    "seconds",
  ),
  VIDEO_TOKEN_ACCESS_RULES: customVar(() => z.string().optional().transform(parseAccessRules), "JSON", {
    description: "JSON array of Stream token `accessRules`, added to every playback token when set.",
  }),
  VIDEO_WEBHOOK_SECRET: optionalTextVar({ description: "Stream's webhook signing secret.", secret: true }),
  VIDEO_WEBHOOK_TOLERANCE_SECONDS: numberWhereVar(
    300,
    (n) => Number.isInteger(n) && n >= 1,
    { description: "How old a webhook's signature may be." },
    "seconds",
  ),
  VIDEO_REPORTS_TO_HIDE: numberWhereVar(3, (n) => Number.isInteger(n) && n >= 1, {
    description:
      "Reports that count (by distinct users whose word counts), since the last review, that hide a video whatever its views, until a moderator decides.",
  }),
  VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS: numberWhereVar(5, (n) => Number.isInteger(n) && n >= 0 && n <= 1000, {
    description: "Above VIDEO_REPORTS_TO_HIDE: this many reports that count per 1,000 views are needed to hide a video (0 to 1000).",
  }),
  VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS: numberWhereVar(
    7,
    (n) => Number.isInteger(n) && n >= 0 && n <= 3650,
    { description: "A reporter's account must be at least this old (and their e-mail verified) for the report to count toward hiding (0 to 3650)." },
    "days",
  ),
  VIDEO_VIEW_FLUSH_SECONDS: numberWhereVar(
    10,
    (n) => Number.isFinite(n) && n >= 0 && n <= 3600,
    { description: "How often a video's view count reaches D1." },
    "seconds",
  ),
  VIDEO_PROCESSING_POLL_AFTER_SECONDS: numberWhereVar(
    60,
    (n) => Number.isInteger(n) && n >= 0,
    { description: "Age after which a video still processing is asked about at Stream (housekeeping)." },
    "seconds",
  ),
  VIDEO_CHECK_DELAY_SECONDS: numberWhereVar(
    2,
    (n) => Number.isInteger(n) && n >= 1 && n <= 3600,
    { description: "Seconds before the first `video.check` after an upload through the Worker (then doubling)." },
    "seconds",
  ),
  RATE_LIMIT_VIDEO_UPLOADS_PER_USER: rateLimitVar({ limit: 20, windowSeconds: 3600 }, { description: "Videos one user may create." }),
  CLOUDFLARE_ACCOUNT_ID: optionalTextVar({
    description: "For tus direct uploads (videos over 200 MB), which the binding cannot create: the Cloudflare account.",
  }),
  CLOUDFLARE_STREAM_API_TOKEN: optionalTextVar({
    description: "A Stream API token, for tus direct uploads and Stream's generated captions (without it the transcript model makes captions).",
    secret: true,
  }),
  VIDEO_CAPTION_LANGUAGE: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value) => value?.trim() ?? "en")
        .refine((value) => value === "" || /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value), "a BCP 47 language tag (en, pt-BR) or empty"),
    "BCP 47",
    { description: "The language captions are made in for every video once it is ready (Stream's, or the transcript model's); empty turns captions off." },
  ),
  VIDEO_TRANSCRIPT_MODEL: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value) => value?.trim() ?? "dev-text"),
    "text",
    {
      description:
        "The studio model (id) that transcribes a video into timed cues where Stream's captions are not available (`dev-text` exists in development only); empty: no transcript fallback.",
    },
  ),
});

function videoConfig(v: ParsedVars) {
  return {
    video: {
      /** Production hands out Stream's one-time URLs; development and tests take the bytes through the Worker (the local Stream emulation cannot create direct uploads). */
      uploads: v.VIDEO_UPLOADS ?? (v.ENVIRONMENT === "development" || v.ENVIRONMENT === "test" ? "worker" : "direct"),
      /**
       * Only the local Stream emulation (development, tests) keeps the uploaded bytes at a plain URL
       * (`/__cf_local/stream/<uid>/watch`), so a player can show them with no network: no HLS there.
       */
      localPlayback: v.ENVIRONMENT === "development" || v.ENVIRONMENT === "test",
      maxDurationSeconds: v.VIDEO_MAX_DURATION_SECONDS,
      maxBytes: v.VIDEO_MAX_BYTES,
      watermarkId: v.VIDEO_WATERMARK_ID || undefined,
      signingKey: v.VIDEO_SIGNING_KEY || undefined,
      signingKeyId: v.VIDEO_SIGNING_KEY_ID || undefined,
      playbackTokenTtlSeconds: v.VIDEO_PLAYBACK_TOKEN_TTL_SECONDS,
      tokenAccessRules: v.VIDEO_TOKEN_ACCESS_RULES,
      webhookSecret: v.VIDEO_WEBHOOK_SECRET || undefined,
      webhookToleranceSeconds: v.VIDEO_WEBHOOK_TOLERANCE_SECONDS,
      /** Who may hide a video by reporting it and how many (docs/video.md, "Complaints"). */
      reportHiding: {
        /** Reports that count, since the last review, that hide a video whatever its views. */
        floor: v.VIDEO_REPORTS_TO_HIDE,
        /** Above the floor: this many reports that count per 1,000 views. */
        perThousandViews: v.VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS,
        /** A reporter's account must be at least this old (and their e-mail verified) for the report to count. */
        minAccountAgeMs: v.VIDEO_REPORTER_MIN_ACCOUNT_AGE_DAYS * 86_400_000,
      },
      viewFlushMs: v.VIDEO_VIEW_FLUSH_SECONDS * 1000,
      processingPollAfterMs: v.VIDEO_PROCESSING_POLL_AFTER_SECONDS * 1000,
      checkDelaySeconds: v.VIDEO_CHECK_DELAY_SECONDS,
      uploadRateLimit: v.RATE_LIMIT_VIDEO_UPLOADS_PER_USER,
      streamAccountId: v.CLOUDFLARE_ACCOUNT_ID || undefined,
      streamApiToken: v.CLOUDFLARE_STREAM_API_TOKEN || undefined,
      /** Captions are made in this language (empty: none). */
      captionLanguage: v.VIDEO_CAPTION_LANGUAGE,
      /** The transcript model where Stream makes no captions (empty: none). */
      transcriptModel: v.VIDEO_TRANSCRIPT_MODEL,
    },
  };
}

export const videoVarSection = varSection("video", videoVars, videoConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    video: typeof videoVars;
  }
  interface ConfigSections {
    video: ReturnType<typeof videoConfig>;
  }
}
