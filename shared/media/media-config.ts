import { z } from "zod";
import { parseRateLimit, type RateLimit } from "../rate-limits";
import { FILE_PURPOSES, type FilePurpose } from "./media-types";
import { parseUrlSigningKeys, type UrlSigningKey } from "./signed-urls";

/** The media module's vars and secrets (strings, as wrangler hands them over). */
export interface MediaVars {
  /** "purpose=bytes,..." size limit per purpose; purposes not named keep their default. */
  MEDIA_MAX_BYTES?: string;
  /** Bytes one user may keep in files (and open uploads). */
  MEDIA_QUOTA_BYTES?: string;
  /** Uploads one user may start, "count/seconds". */
  RATE_LIMIT_UPLOADS_PER_USER?: string;
  /** Seconds an unfinished upload lives after its last activity. */
  MEDIA_UPLOAD_EXPIRY_SECONDS?: string;
  /** Seconds an unreferenced blob is kept before the GC cron removes it. */
  MEDIA_BLOB_GRACE_SECONDS?: string;
  /** Longest lifetime of a signed content URL, seconds. */
  MEDIA_SIGNED_URL_MAX_SECONDS?: string;
  /** Secret: JSON [{kid, secret}] (secret >= 32 characters); the first signs, all verify. */
  MEDIA_URL_SIGNING_KEYS?: string;
}

const MIB = 1024 * 1024;

export const DEFAULT_MAX_BYTES: Record<FilePurpose, number> = {
  attachment: 100 * MIB,
  avatar: 5 * MIB,
  image: 20 * MIB,
  asset: 200 * MIB,
  "company-icon": 2 * MIB,
  "video-thumbnail": 5 * MIB,
};

export interface MediaConfig {
  maxBytes: Record<FilePurpose, number>;
  quotaBytes: number;
  uploadRateLimit: RateLimit;
  uploadExpirySeconds: number;
  blobGraceSeconds: number;
  signedUrlMaxSeconds: number;
  urlSigningKeys: UrlSigningKey[];
}

const positive = (fallback: number) => z.coerce.number().int().positive().catch(fallback);

function parseMaxBytes(value: string | undefined): Record<FilePurpose, number> {
  const limits = { ...DEFAULT_MAX_BYTES };
  for (const entry of (value ?? "").split(",")) {
    const [purpose, bytes] = entry.split("=").map((part) => part.trim());
    const parsed = Number(bytes);
    if (FILE_PURPOSES.includes(purpose as FilePurpose) && Number.isSafeInteger(parsed) && parsed > 0) limits[purpose as FilePurpose] = parsed;
  }
  return limits;
}

const parsed = new WeakMap<object, MediaConfig>();

/** The media config of an env, parsed once per env object. */
export function mediaConfig(bindings: object): MediaConfig {
  let config = parsed.get(bindings);
  if (!config) {
    const env = bindings as MediaVars;
    config = {
      maxBytes: parseMaxBytes(env.MEDIA_MAX_BYTES),
      quotaBytes: positive(1024 * MIB).parse(env.MEDIA_QUOTA_BYTES),
      uploadRateLimit: parseRateLimit(env.RATE_LIMIT_UPLOADS_PER_USER, { limit: 120, windowSeconds: 3600 }),
      uploadExpirySeconds: positive(86_400).parse(env.MEDIA_UPLOAD_EXPIRY_SECONDS),
      blobGraceSeconds: positive(3600).parse(env.MEDIA_BLOB_GRACE_SECONDS),
      signedUrlMaxSeconds: positive(86_400).parse(env.MEDIA_SIGNED_URL_MAX_SECONDS),
      urlSigningKeys: parseUrlSigningKeys(env.MEDIA_URL_SIGNING_KEYS),
    };
    parsed.set(bindings, config);
  }
  return config;
}
