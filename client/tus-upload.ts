// Resumable uploads (tus 1.0 against POST /v1/uploads) for files too large to send in one request:
// the bytes go in chunks, and a chunk that breaks off (a dropped connection, another request holding
// the upload) is resumed from the offset the server confirms, not sent again from the start.
import type { UploadProgress } from "./file-upload";

export const TUS_VERSION = "1.0.0";

/** How the upload reaches the server: `send` carries the token; `onProgress` follows a chunk's body. */
export interface TusTransport {
  uploadsUrl: string;
  send(url: string, init: RequestInit, onProgress?: (progress: UploadProgress) => void): Promise<Response>;
  /** Waits before a retry (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
}

export interface TusUploadOptions {
  metadata: Record<string, string>;
  /** Bytes per PATCH (default 8 MiB: a lost chunk costs little, and few requests are made). */
  chunkSize?: number;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** Attempts per chunk before giving up (default 5). */
  attempts?: number;
  /** `uploadsUrl` is an upload someone already created (Stream's direct tus URL): send the bytes there. */
  existingUpload?: boolean;
}

/** A response the caller turns into its own error (a refused type, a full quota, ...). */
export class TusRefused extends Error {
  constructor(readonly response: Response) {
    super(`tus upload refused: ${response.status}`);
  }
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;
/** Answers after which the same upload goes on: someone else held it (423), the offset moved (409). */
const RESUMABLE = new Set([409, 423, 502, 503, 504]);

function utf8Base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${utf8Base64(value)}`)
    .join(",");
}

function retryAfterMs(response: Response | null, attempt: number): number {
  const header = Number(response?.headers.get("retry-after"));
  if (Number.isFinite(header) && header > 0) return Math.min(header, 30) * 1000;
  return Math.min(500 * 2 ** attempt, 8000);
}

/**
 * Sends `body` as one tus upload and answers the upload's URL once every byte is confirmed. The
 * file itself is made by the server with the last byte (`GET` on the URL then names `fileId`).
 */
export async function tusUpload(transport: TusTransport, body: Blob, options: TusUploadOptions): Promise<string> {
  const sleep = transport.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const attempts = options.attempts ?? 5;
  const tus = { "tus-resumable": TUS_VERSION };
  let location = transport.uploadsUrl;
  if (!options.existingUpload) {
    const created = await transport.send(transport.uploadsUrl, {
      method: "POST",
      signal: options.signal,
      headers: { ...tus, "upload-length": String(body.size), "upload-metadata": encodeMetadata(options.metadata) },
    });
    if (created.status !== 201) throw new TusRefused(created);
    location = new URL(created.headers.get("location") ?? "", transport.uploadsUrl).toString();
  }
  const abort = () => void transport.send(location, { method: "DELETE", headers: tus }).catch(() => undefined);
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    let offset = 0;
    let failures = 0;
    while (offset < body.size) {
      const end = Math.min(offset + chunkSize, body.size);
      const start = offset;
      let response: Response | null = null;
      try {
        response = await transport.send(
          location,
          {
            method: "PATCH",
            signal: options.signal,
            headers: { ...tus, "upload-offset": String(start), "content-type": "application/offset+octet-stream" },
            body: body.slice(start, end),
          },
          (progress) => options.onProgress?.({ sent: start + progress.sent, total: body.size }),
        );
      } catch (error) {
        if (options.signal?.aborted) throw error;
      }
      if (response?.status === 204) {
        offset = Number(response.headers.get("upload-offset") ?? end);
        failures = 0;
        options.onProgress?.({ sent: offset, total: body.size });
        continue;
      }
      if (response && !RESUMABLE.has(response.status)) throw new TusRefused(response);
      if (++failures >= attempts) throw response ? new TusRefused(response) : new TypeError("Network request failed");
      await sleep(retryAfterMs(response, failures));
      // Where to go on from: what the server confirmed, which may be more than the last 204 said.
      const head = await transport.send(location, { method: "HEAD", signal: options.signal, headers: tus }).catch(() => null);
      if (head?.ok) offset = Number(head.headers.get("upload-offset") ?? offset);
      else if (head && !RESUMABLE.has(head.status)) throw new TusRefused(head);
    }
    return location;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
}
