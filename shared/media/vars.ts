import { z } from "zod";
import { customVar, defineVars, numberWhereVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";
import { parseUrlSigningKeys } from "./signed-urls";
import { parseMaxBytes } from "./size-limits";

/** The vars of files, uploads and content URLs. */
export const mediaVars = defineVars({
  MEDIA_MAX_BYTES: customVar(() => z.string().optional().transform(parseMaxBytes), "purpose=bytes list", {
    description: "Largest file per purpose, e.g. `avatar=5242880,image=20971520`; purposes not named keep their default.",
  }),
  MEDIA_QUOTA_BYTES: numberWhereVar(
    1024 * 1024 * 1024,
    (n) => Number.isSafeInteger(n) && n > 0,
    { description: "Bytes of files and uploads one user may keep." },
    "bytes",
  ),
  RATE_LIMIT_UPLOADS_PER_USER: rateLimitVar({ limit: 120, windowSeconds: 3600 }, { description: "Uploads one user may start." }),
  MEDIA_UPLOAD_EXPIRY_SECONDS: numberWhereVar(
    86_400,
    (n) => Number.isInteger(n) && n > 0,
    { description: "How long an unfinished resumable upload is kept." },
    "seconds",
  ),
  MEDIA_BLOB_GRACE_SECONDS: numberWhereVar(
    3600,
    (n) => Number.isInteger(n) && n > 0,
    { description: "How long bytes nobody references are kept before garbage collection." },
    "seconds",
  ),
  MEDIA_SIGNED_URL_MAX_SECONDS: numberWhereVar(
    86_400,
    (n) => Number.isInteger(n) && n > 0,
    { description: "Longest lifetime of a signed content URL." },
    "seconds",
  ),
  MEDIA_URL_SIGNING_KEYS: customVar(() => z.string().optional().transform(parseUrlSigningKeys), "JSON", {
    description: "JSON `[{kid, secret}]` signing content URLs: the first signs, every one verifies.",
    secret: true,
  }),
});

function mediaConfig(v: ParsedVars) {
  return {
    media: {
      maxBytes: v.MEDIA_MAX_BYTES,
      quotaBytes: v.MEDIA_QUOTA_BYTES,
      uploadRateLimit: v.RATE_LIMIT_UPLOADS_PER_USER,
      uploadExpirySeconds: v.MEDIA_UPLOAD_EXPIRY_SECONDS,
      blobGraceSeconds: v.MEDIA_BLOB_GRACE_SECONDS,
      signedUrlMaxSeconds: v.MEDIA_SIGNED_URL_MAX_SECONDS,
      /** The first key signs content URLs; every key verifies them. */
      urlSigningKeys: v.MEDIA_URL_SIGNING_KEYS,
    },
  };
}

export const mediaVarSection = varSection("media", mediaVars, mediaConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    media: typeof mediaVars;
  }
  interface ConfigSections {
    media: ReturnType<typeof mediaConfig>;
  }
}
