const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/heic": "heic",
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/webm": "webm",
};

/** A name safe as a file or folder name on every system: no separators, control or reserved characters. */
export function safeName(name: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, "_")
    .replace(/^[.\s]+|[.\s]+$/g, "")
    .slice(0, 80);
  return cleaned || fallback;
}

/** `01 Opening shot/<asset id>.png`: boxes in order, each asset once. */
export function archiveEntryName(boxPosition: number, boxName: string, assetId: string, contentType: string): string {
  const folder = `${String(boxPosition + 1).padStart(2, "0")} ${safeName(boxName, "box")}`;
  return `${folder}/${assetId}.${EXTENSIONS[contentType] ?? "bin"}`;
}
