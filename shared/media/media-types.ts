import { imageSize } from "image-size";

import type { FilePurpose } from "./file-purposes";

export { FILE_PURPOSES, FILE_VISIBILITIES, type FilePurpose, type FileVisibility } from "./file-purposes";

const STILL_IMAGES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic"] as const;
const VIDEOS = ["video/mp4", "video/quicktime", "video/webm"] as const;
/** Voice messages and music: Opus or Vorbis in Ogg, AAC (ADTS or in MP4/M4A), MP3. (Audio in WebM, as MediaRecorder makes it, is detected as video/webm.) */
const AUDIO = ["audio/ogg", "audio/opus", "audio/aac", "audio/mp4", "audio/x-m4a", "audio/mpeg"] as const;
/** Documents a family or a team sends: PDF, Office and OpenDocument files (recognised by their zip structure), ZIP, and plain text (valid UTF-8). */
const DOCUMENTS = [
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "application/zip",
  "text/plain",
] as const;

/**
 * What an `encrypted-attachment` is, whatever its bytes: a file encrypted on the device under a
 * key only the chat's member devices hold. The server cannot tell what it is, so it does not try
 * (random bytes now and then begin like some format) and serves it as a download.
 */
const OPAQUE: DetectedType = { mime: "application/octet-stream", ext: "bin" };

/**
 * What each purpose accepts, by what the bytes are. SVG and HTML are never accepted: served from
 * the API's origin they could run script.
 */
export const ALLOWED_TYPES: Record<FilePurpose, readonly string[]> = {
  attachment: [...STILL_IMAGES, ...VIDEOS, ...AUDIO, ...DOCUMENTS],
  avatar: STILL_IMAGES,
  image: STILL_IMAGES,
  asset: [...STILL_IMAGES, ...VIDEOS],
  "company-icon": STILL_IMAGES,
  "video-thumbnail": ["image/jpeg", "image/png", "image/webp", "image/avif"],
  // End-to-end encrypted chats (docs/e2ee.md): encrypted on the device, the bytes are opaque.
  "encrypted-attachment": [OPAQUE.mime],
};

/** Bytes file-type needs for the formats above (its own "reasonable detection size"). */
export const TYPE_SNIFF_BYTES = 4100;
/** Bytes kept from the start of an upload for dimensions: JPEG puts its size after EXIF/ICC. */
export const HEAD_BYTES = 128 * 1024;

export interface DetectedType {
  mime: string;
  ext: string;
}

// file-type names some formats differently from the media types clients and browsers expect.
const CANONICAL: Record<string, string> = { "image/heif": "image/heic", "image/heic-sequence": "image/heic", "image/heif-sequence": "image/heic" };

/**
 * What the bytes are, by their magic numbers; text when the head has none and is valid UTF-8
 * with no NUL or other control byte but tab, line breaks and form feed (HTML or SVG among them:
 * served as `text/plain` downloads with `nosniff`, they never run); null otherwise.
 */
export async function detectType(head: Uint8Array): Promise<DetectedType | null> {
  const sniffed = head.subarray(0, Math.max(TYPE_SNIFF_BYTES, Math.min(head.length, HEAD_BYTES)));
  // Loaded on the first upload, not at startup: file-type and the zip reader and logger it brings
  // took 8 ms of every cold API isolate's startup (bench:startup), most of which never sniffs a file.
  const { fileTypeFromBuffer } = await import("file-type");
  const found = await fileTypeFromBuffer(sniffed);
  // (Parameters such as `; codecs=opus` are not part of the type.)
  const mime = found?.mime.split(";")[0]?.trim();
  if (found && mime) return { mime: CANONICAL[mime] ?? mime, ext: found.ext };
  return isUtf8Text(sniffed) ? { mime: "text/plain", ext: "txt" } : null;
}

/** The type of an upload for `purpose`: opaque for an encrypted attachment, else what its first bytes are (`detectType`). */
export function uploadType(purpose: FilePurpose, head: Uint8Array): Promise<DetectedType | null> {
  return purpose === "encrypted-attachment" ? Promise.resolve(OPAQUE) : detectType(head);
}

/** Valid UTF-8 text (the head may end inside a character) without binary control bytes. */
function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const byte of bytes) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return false;
  try {
    // `stream: true` leaves an incomplete last character pending instead of failing on it.
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function isAllowedFor(purpose: FilePurpose, mime: string): boolean {
  return ALLOWED_TYPES[purpose].includes(mime);
}

export const isImage = (mime: string) => mime.startsWith("image/");
export const isVideo = (mime: string) => mime.startsWith("video/");

/** Width and height of an image from its first bytes; null when they are not there. */
export function imageDimensions(head: Uint8Array, mime: string): { width: number; height: number } | null {
  if (!isImage(mime)) return null;
  try {
    const size = imageSize(head);
    if (!size.width || !size.height) return null;
    // EXIF orientations 5-8 turn the picture by 90 degrees: report what a viewer shows.
    const turned = size.orientation !== undefined && size.orientation >= 5;
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    return null;
  }
}
