/** tus 1.0.0 (https://tus.io/protocols/resumable-upload): headers this server reads and writes. */

import { ApiError, type ErrorCode } from "../http/errors";

export const TUS_VERSION = "1.0.0";

/** Every tus response names the protocol version. */
export const tusHeaders = { "tus-resumable": TUS_VERSION };

export const tusError = (status: ConstructorParameters<typeof ApiError>[0], code: ErrorCode, detail: string) =>
  new ApiError(status, code, detail, {}, tusHeaders);
export const TUS_EXTENSIONS = "creation,termination,expiration";
export const TUS_CONTENT_TYPE = "application/offset+octet-stream";

/** Headers browsers must be allowed to send and read for tus-js-client and Uppy to work. */
export const TUS_REQUEST_HEADERS = ["tus-resumable", "upload-length", "upload-offset", "upload-metadata", "upload-defer-length", "x-http-method-override"];
export const TUS_RESPONSE_HEADERS = [
  "tus-resumable",
  "tus-version",
  "tus-extension",
  "tus-max-size",
  "upload-offset",
  "upload-length",
  "upload-expires",
  "location",
];

export type TusHeaderProblem = { ok: false; status: 400 | 412 | 415; code: ErrorCode; detail: string };
export type TusParsed<T> = { ok: true; value: T } | TusHeaderProblem;

const problem = (status: 400 | 412 | 415, code: ErrorCode, detail: string): TusHeaderProblem => ({ ok: false, status, code, detail });

/** Every tus request but OPTIONS must name the protocol version the server speaks. */
export function checkTusResumable(value: string | null): TusParsed<true> {
  if (value === TUS_VERSION) return { ok: true, value: true };
  return problem(412, "tus_version_unsupported", `Tus-Resumable must be ${TUS_VERSION}`);
}

/** A non-negative decimal integer header (Upload-Length, Upload-Offset), at most 2^53 - 1. */
export function parseByteCount(name: string, value: string | null): TusParsed<number> {
  if (value === null) return problem(400, "invalid_header", `${name} is required`);
  if (!/^\d{1,15}$/.test(value.trim())) return problem(400, "invalid_header", `${name} must be a non-negative integer`);
  return { ok: true, value: Number(value.trim()) };
}

/**
 * Upload-Metadata: comma-separated `key base64value` pairs; keys are unique, non-empty and have no
 * spaces or commas; a value may be absent. Values are decoded as UTF-8.
 */
export function parseUploadMetadata(value: string | null): TusParsed<Record<string, string>> {
  const metadata: Record<string, string> = {};
  if (value === null || value.trim() === "") return { ok: true, value: metadata };
  for (const pair of value.split(",")) {
    const parts = pair.trim().split(" ");
    if (parts.length > 2) return problem(400, "invalid_header", "Upload-Metadata pairs are `key base64value`");
    const [key, encoded = ""] = parts as [string, string?];
    if (!key || !/^[\x21-\x7e]+$/.test(key)) return problem(400, "invalid_header", "Upload-Metadata keys are non-empty printable ASCII");
    if (Object.hasOwn(metadata, key)) return problem(400, "invalid_header", `Upload-Metadata key ${key} appears twice`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
      return problem(400, "invalid_header", `Upload-Metadata value of ${key} is not base64`);
    }
    try {
      const binary = atob(encoded);
      metadata[key] = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    } catch {
      return problem(400, "invalid_header", `Upload-Metadata value of ${key} is not base64 of UTF-8 text`);
    }
  }
  return { ok: true, value: metadata };
}

/** Encodes metadata the way clients send it (used by tests and the bench). */
export function encodeUploadMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => {
      const bytes = new TextEncoder().encode(value);
      let binary = "";
      for (const b of bytes) binary += String.fromCharCode(b);
      return `${key} ${btoa(binary)}`;
    })
    .join(",");
}

/** PATCH bodies must say they are raw bytes at an offset. */
export function checkPatchContentType(value: string | null): TusParsed<true> {
  if (value?.split(";")[0]?.trim().toLowerCase() === TUS_CONTENT_TYPE) return { ok: true, value: true };
  return problem(415, "unsupported_media_type", `PATCH bodies must be ${TUS_CONTENT_TYPE}`);
}

/** `Upload-Expires` is an HTTP-date. */
export const httpDate = (date: Date) => date.toUTCString();
