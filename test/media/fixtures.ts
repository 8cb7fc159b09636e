import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import type { TestUser } from "../helpers";
import { padded, samples, sha256Hex } from "./samples";

export interface UploadOptions {
  purpose?: string;
  name?: string;
  visibility?: string;
  sha256?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** POST /v1/files with raw bytes (and a content-length, as fetch sets for a byte body). */
export async function postFile(user: Pick<TestUser, "accessToken"> | null, bytes: Uint8Array | ReadableStream, options: UploadOptions = {}): Promise<Response> {
  const query = new URLSearchParams();
  query.set("purpose", options.purpose ?? "image");
  if (options.name !== undefined) query.set("name", options.name);
  if (options.visibility !== undefined) query.set("visibility", options.visibility);
  const headers = new Headers(options.headers);
  headers.set("content-type", options.contentType ?? "application/octet-stream");
  if (user) headers.set("authorization", `Bearer ${user.accessToken}`);
  if (options.sha256) headers.set("x-content-sha256", options.sha256);
  return SELF.fetch(`http://platform.test/v1/files?${query}`, { method: "POST", headers, body: bytes });
}

export interface FileJson {
  id: string;
  ownerId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  purpose: string;
  visibility: string;
  width?: number;
  height?: number;
  createdAt: string;
}

/** Uploads and expects 201; returns the file. */
export async function uploadFile(user: Pick<TestUser, "accessToken">, bytes: Uint8Array, options: UploadOptions = {}): Promise<FileJson> {
  const response = await postFile(user, bytes, options);
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as FileJson;
}

let seed = 1;
/** A PNG of `size` bytes no other test uploads (a distinct hash). */
export function uniquePng(size = 2000): Uint8Array {
  seed += 1;
  return padded(samples.png, size, (Date.now() ^ (seed * 2654435761)) >>> 0);
}

export async function fetchContent(path: string, options: { token?: string; headers?: Record<string, string>; method?: string } = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  return SELF.fetch(path.startsWith("http") ? path : `http://platform.test${path}`, { method: options.method ?? "GET", headers });
}

export { padded, samples, sha256Hex };

export const TUS = { "tus-resumable": "1.0.0" };

export function tusMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${btoa(String.fromCharCode(...new TextEncoder().encode(value)))}`)
    .join(",");
}

/** POST /v1/uploads (tus creation); returns the response. */
export async function createUpload(
  user: Pick<TestUser, "accessToken"> | null,
  length: number,
  metadata: Record<string, string> = { purpose: "asset", name: "big.png" },
  headers: Record<string, string> = TUS,
) {
  const h = new Headers(headers);
  if (user) h.set("authorization", `Bearer ${user.accessToken}`);
  h.set("upload-length", String(length));
  h.set("upload-metadata", tusMetadata(metadata));
  return SELF.fetch("http://platform.test/v1/uploads", { method: "POST", headers: h });
}

/** Creates an upload and returns its path (`/v1/uploads/<id>`). */
export async function openUpload(user: Pick<TestUser, "accessToken">, length: number, metadata?: Record<string, string>): Promise<string> {
  const response = await createUpload(user, length, metadata);
  expect(response.status, await response.text()).toBe(201);
  return new URL(response.headers.get("location")!).pathname;
}

export async function patchUpload(
  user: Pick<TestUser, "accessToken"> | null,
  path: string,
  offset: number,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) {
  const h = new Headers({ ...TUS, "content-type": "application/offset+octet-stream", "upload-offset": String(offset), ...headers });
  if (user) h.set("authorization", `Bearer ${user.accessToken}`);
  return SELF.fetch(`http://platform.test${path}`, { method: "PATCH", headers: h, body: bytes });
}

export async function headUpload(user: Pick<TestUser, "accessToken">, path: string) {
  return SELF.fetch(`http://platform.test${path}`, { method: "HEAD", headers: { ...TUS, authorization: `Bearer ${user.accessToken}` } });
}
