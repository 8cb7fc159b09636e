import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";

export const FILE_PURPOSES = ["attachment", "avatar", "image", "asset", "company-icon", "video-thumbnail"] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const FILE_VISIBILITIES = ["private", "public"] as const;
export type FileVisibility = (typeof FILE_VISIBILITIES)[number];

const STILL_IMAGES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic"] as const;
const VIDEOS = ["video/mp4", "video/quicktime", "video/webm"] as const;

/**
 * What each purpose accepts, by what the bytes are. SVG and HTML are never accepted: served from
 * the API's origin they could run script.
 */
export const ALLOWED_TYPES: Record<FilePurpose, readonly string[]> = {
  attachment: [...STILL_IMAGES, ...VIDEOS, "application/pdf"],
  avatar: STILL_IMAGES,
  image: STILL_IMAGES,
  asset: [...STILL_IMAGES, ...VIDEOS],
  "company-icon": STILL_IMAGES,
  "video-thumbnail": ["image/jpeg", "image/png", "image/webp", "image/avif"],
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

/** What the bytes are, by their magic numbers; null when nothing known matches. */
export async function detectType(head: Uint8Array): Promise<DetectedType | null> {
  const found = await fileTypeFromBuffer(head.subarray(0, Math.max(TYPE_SNIFF_BYTES, Math.min(head.length, HEAD_BYTES))));
  if (!found) return null;
  return { mime: CANONICAL[found.mime] ?? found.mime, ext: found.ext };
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
