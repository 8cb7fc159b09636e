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
