import { FILE_PURPOSES, type FilePurpose } from "./file-purposes";

const MIB = 1024 * 1024;

/** Largest file per purpose unless `MEDIA_MAX_BYTES` says otherwise. */
export const DEFAULT_MAX_BYTES: Readonly<Record<FilePurpose, number>> = {
  attachment: 100 * MIB,
  avatar: 5 * MIB,
  image: 20 * MIB,
  asset: 200 * MIB,
  "company-icon": 2 * MIB,
  "video-thumbnail": 5 * MIB,
  // An attachment's limit plus what encryption adds (AES-GCM's 16-byte tag).
  "encrypted-attachment": 100 * MIB + 16,
};

/** Parses "purpose=bytes,..."; purposes not named (or named with an unusable value) keep their default. */
export function parseMaxBytes(value: string | undefined): Record<FilePurpose, number> {
  const limits = { ...DEFAULT_MAX_BYTES };
  for (const entry of (value ?? "").split(",")) {
    const [purpose, bytes] = entry.split("=").map((part) => part.trim());
    const parsed = Number(bytes);
    if (FILE_PURPOSES.includes(purpose as FilePurpose) && Number.isSafeInteger(parsed) && parsed > 0) limits[purpose as FilePurpose] = parsed;
  }
  return limits;
}
