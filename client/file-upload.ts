// Uploads with progress. fetch() reports nothing while a request body is sent, so where the
// platform has XMLHttpRequest (browsers) the upload goes through it; elsewhere through fetch, with
// progress reported once the bytes are accepted.

export interface UploadProgress {
  /** Bytes of the body sent so far. */
  sent: number;
  total: number;
}

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * The part of XMLHttpRequest an upload uses, so this file type-checks where there is none
 * (Workers, Node). Event payloads are read through `ProgressLike`; the slots take any handler.
 */
export interface UploadRequest {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob | null): void;
  abort(): void;
  getAllResponseHeaders(): string;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  readonly upload: { onprogress: EventSlot };
  onload: EventSlot;
  onerror: EventSlot;
  ontimeout: EventSlot;
  onabort: EventSlot;
}
// `any`: the DOM types its handlers with their own `this` and event classes, which this file cannot name.
type EventSlot = ((this: any, event: any) => unknown) | null;
interface ProgressLike {
  lengthComputable: boolean;
  loaded: number;
  total: number;
}
export type UploadRequestClass = new () => UploadRequest;

/** Statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** A fetch-like function that sends a Blob body with XMLHttpRequest and reports its progress. */
export function xhrFetch(XHR: UploadRequestClass, onProgress: (progress: UploadProgress) => void): FetchLike {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XHR();
      xhr.open(init.method ?? "GET", input instanceof Request ? input.url : String(input));
      new Headers(init.headers).forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = (event: ProgressLike) => {
        if (event.lengthComputable) onProgress({ sent: event.loaded, total: event.total });
      };
      xhr.onload = () => {
        const headers = new Headers();
        for (const line of xhr
          .getAllResponseHeaders()
          .trim()
          .split(/[\r\n]+/)) {
          const at = line.indexOf(":");
          if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
        }
        resolve(new Response(NULL_BODY.has(xhr.status) ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers }));
      };
      // The same errors fetch would throw: a TypeError when nothing came back, an AbortError on abort.
      xhr.onerror = () => reject(new TypeError("Network request failed"));
      xhr.ontimeout = () => reject(new TypeError("Network request timed out"));
      xhr.onabort = () => reject(new DOMException("The upload was aborted", "AbortError"));
      const signal = init.signal;
      if (signal?.aborted) {
        reject(new DOMException("The upload was aborted", "AbortError"));
        return;
      }
      signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send((init.body ?? null) as Blob | null);
    });
}

/** The same as fetch, with one progress report when the server has taken the whole body. */
export function fetchWithFinalProgress(fetch: FetchLike, onProgress: (progress: UploadProgress) => void, size: number): FetchLike {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) onProgress({ sent: size, total: size });
    return response;
  };
}
