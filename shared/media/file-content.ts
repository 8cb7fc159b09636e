import { ApiError, notFound } from "../http/errors";
import { etagMatches, parseRange } from "./byte-range";
import { isImage, isVideo } from "./media-types";

/** What the content of a file is served from. */
export interface ServedContent {
  key: string;
  size: number;
  contentType: string;
  name: string;
  /** Strong validator: the same bytes always have the same tag. */
  etag: string;
}

/** RFC 6266 / 8187: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(name: string, contentType: string): string {
  const kind = isImage(contentType) || isVideo(contentType) ? "inline" : "attachment";
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/**
 * The bytes of a file with HTTP caching and ranges: `304` when the client's tag matches, `206`
 * for one satisfiable range, `416` for one that is not, else `200`. The headers stop a browser
 * from sniffing the bytes into something else or running them as a page.
 */
export async function contentResponse(bucket: R2Bucket, content: ServedContent, request: Request, cacheControl: string): Promise<Response> {
  const headers = new Headers({
    etag: content.etag,
    "cache-control": cacheControl,
    "accept-ranges": "bytes",
    "content-type": content.contentType,
    "content-disposition": contentDisposition(content.name, content.contentType),
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
  });
  if (etagMatches(request.headers.get("if-none-match"), content.etag)) {
    headers.delete("content-type");
    return new Response(null, { status: 304, headers });
  }
  const ifRange = request.headers.get("if-range");
  const range = ifRange && ifRange !== content.etag ? ({ kind: "whole" } as const) : parseRange(request.headers.get("range"), content.size);
  if (range.kind === "unsatisfiable") {
    throw new ApiError(416, "range_not_satisfiable", `The file has ${content.size} bytes`, {}, { "content-range": `bytes */${content.size}` });
  }
  const object =
    range.kind === "partial"
      ? await bucket.get(content.key, { range: { offset: range.start, length: range.end - range.start + 1 } })
      : await bucket.get(content.key);
  if (!object) throw notFound("The bytes of this file are gone");
  if (range.kind === "partial") {
    headers.set("content-range", `bytes ${range.start}-${range.end}/${content.size}`);
    headers.set("content-length", String(range.end - range.start + 1));
    return new Response(request.method === "HEAD" ? null : object.body, { status: 206, headers });
  }
  headers.set("content-length", String(content.size));
  return new Response(request.method === "HEAD" ? null : object.body, { status: 200, headers });
}
