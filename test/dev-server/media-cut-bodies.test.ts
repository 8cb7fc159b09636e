import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { padded, samples, sha256Hex } from "../media/samples";
import { type Account, registerOn } from "./accounts";
import { type CuttingProxy, cuttingProxy } from "./cutting-proxy";

// Uploads whose connection drops in the middle of the body, on a real socket through a proxy that
// cuts it. workerd logs every broken body; here that goes to the dev server's own output, which the
// test keeps, instead of into the test run's (the workerd pool prints it and nothing can filter it).

const PORT = testPort(8884);
const PROXY_PORT = testPort(8885);
const MIB = 1024 * 1024;
const ADMIN = "admin@media-cut-bodies.test";
// shared/media/tus-hash.ts HASH_FROM_OBJECT (that module loads the hash's wasm, which Node cannot import).
const HASH_FROM_OBJECT = "from-object";
const TUS = { "tus-resumable": "1.0.0" };

let server: DevServer;
let proxy: CuttingProxy;
let adminToken: string;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "media-cut-bodies", vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN } });
  proxy = await cuttingProxy(PROXY_PORT, PORT);
  adminToken = (await register(ADMIN)).token;
}, 420_000);

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
}, 30_000);

type User = Account;

/** A new account on this file's dev server (`email` for the admin). */
const register = (email?: string) => registerOn(server.url, "cut", email);

async function api<T>(user: User, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${user.token}` } });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Every key in the R2 bucket, through the backup listing (the bucket holds only this file's uploads). */
async function storedKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await fetch(`${server.url}/v1/admin/backup/files${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { objects: { key: string }[]; cursor: string | null };
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.cursor;
  } while (cursor);
  return keys;
}

/** Polls `check` (a D1 query, an endpoint) until it holds: what the server does after a cut takes a moment. */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let tries = 0; tries < 150; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Waited in vain until ${what}`);
}

/** Sends `body` through the proxy, which cuts the connection `afterBodyBytes` into it once `beforeCut` resolves. */
async function sendCut(
  path: string,
  init: { method: string; headers: Record<string, string>; body: Uint8Array },
  afterBodyBytes: number,
  beforeCut: () => Promise<void>,
) {
  const cutsBefore = proxy.cuts();
  proxy.cutNext(afterBodyBytes, beforeCut);
  const answer = await fetch(`${proxy.url}${path}`, init).catch(() => null);
  // The connection went before any answer.
  expect(answer).toBeNull();
  expect(proxy.cuts()).toBe(cutsBefore + 1);
}

function uploadRow(id: string): { offset: number; hash_state: string | null; lease_id: string | null } | undefined {
  return server.query(`SELECT offset, hash_state, lease_id FROM uploads WHERE id = '${id}'`)[0] as ReturnType<typeof uploadRow>;
}

async function openUpload(user: User, length: number): Promise<{ path: string; id: string }> {
  const metadata = `purpose ${btoa("asset")},name ${btoa("big.png")}`;
  const response = await fetch(`${server.url}/v1/uploads`, {
    method: "POST",
    headers: { ...TUS, authorization: `Bearer ${user.token}`, "upload-length": String(length), "upload-metadata": metadata },
  });
  expect(response.status, await response.text()).toBe(201);
  const path = new URL(response.headers.get("location")!).pathname;
  return { path, id: path.split("/").pop()! };
}

function patchInit(user: User, offset: number, body: Uint8Array) {
  return {
    method: "PATCH",
    headers: { ...TUS, authorization: `Bearer ${user.token}`, "content-type": "application/offset+octet-stream", "upload-offset": String(offset) },
    body,
  };
}

async function patchUpload(user: User, path: string, offset: number, body: Uint8Array) {
  const response = await fetch(`${server.url}${path}`, patchInit(user, offset, body));
  return { status: response.status, text: await response.text() };
}

async function offsetOf(user: User, path: string): Promise<number> {
  const response = await fetch(`${server.url}${path}`, { method: "HEAD", headers: { ...TUS, authorization: `Bearer ${user.token}` } });
  expect(response.status).toBe(200);
  return Number(response.headers.get("upload-offset"));
}

/** A PATCH cut `afterBodyBytes` into its body, once the server has stored `storedBefore` bytes (0: once it holds the lease). */
async function cutPatch(user: User, upload: { path: string; id: string }, body: Uint8Array, afterBodyBytes: number, storedBefore: number) {
  await sendCut(upload.path, patchInit(user, 0, body), afterBodyBytes, () =>
    storedBefore > 0
      ? until(`${storedBefore} bytes are stored`, async () => (await offsetOf(user, upload.path)) >= storedBefore)
      : until("the PATCH holds the upload", () => !!uploadRow(upload.id)?.lease_id),
  );
  // The broken request gives the upload back once its writes have settled.
  await until("the cut PATCH lets go of the upload", () => uploadRow(upload.id)?.lease_id === null);
}

async function completedFile(user: User, path: string) {
  const { body: upload } = await api<{ fileId: string }>(user, path);
  expect(upload.fileId).toBeTruthy();
  return (await api<{ id: string; sha256: string; size: number; contentType: string }>(user, `/v1/files/${upload.fileId}`)).body;
}

describe("POST /v1/files whose connection drops", () => {
  it("a body that breaks off stores nothing and gives its quota slot back", async () => {
    const user = await register();
    const bytes = padded(samples.png, 1_000_000, 4101);
    const keysBefore = await storedKeys();
    const openUploads = () => Number(server.query(`SELECT count(*) AS n FROM uploads WHERE owner_id = '${user.id}'`)[0]!.n);
    await sendCut(
      "/v1/files?purpose=image",
      { method: "POST", headers: { authorization: `Bearer ${user.token}`, "content-type": "application/octet-stream" }, body: bytes },
      300_000,
      // Cut once the upload holds its quota slot (it is reading the body).
      () => until("the upload holds a quota slot", () => openUploads() === 1),
    );
    await until("the quota slot is given back", () => openUploads() === 0);
    expect(await storedKeys()).toEqual(keysBefore);
    expect(server.query(`SELECT count(*) AS n FROM blobs WHERE size = ${bytes.length}`)).toEqual([{ n: 0 }]);
    expect((await api<{ items: unknown[] }>(user, "/v1/files")).body.items).toEqual([]);
  }, 120_000);
});

describe("tus PATCH whose connection drops", () => {
  it("resumes after an interrupted PATCH from the last stored step", async () => {
    const user = await register();
    const bytes = padded(samples.png, 11 * MIB, 5);
    const upload = await openUpload(user, bytes.length);
    await cutPatch(user, upload, bytes, 6 * MIB, 5 * MIB);
    const offset = await offsetOf(user, upload.path);
    expect(offset).toBe(5 * MIB);
    const rest = await patchUpload(user, upload.path, offset, bytes.subarray(offset));
    expect(rest.status, rest.text).toBe(204);
    expect((await completedFile(user, upload.path)).sha256).toBe(await sha256Hex(bytes));
  }, 120_000);

  it("an interrupted whole-upload PATCH (native digest) resumes: completion hashes the object read back, and the bytes dedup", async () => {
    const user = await register();
    const bytes = padded(samples.jpeg, 6 * MIB + 777, 91);
    const earlierResponse = await fetch(`${server.url}/v1/files?purpose=asset&name=earlier.jpg`, {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}`, "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(earlierResponse.status).toBe(201);
    const earlier = (await earlierResponse.json()) as { id: string; sha256: string };
    const upload = await openUpload(user, bytes.length);

    // Cut before the first part is stored: nothing was kept, so the retry is a whole-upload PATCH again.
    await cutPatch(user, upload, bytes, MIB, 0);
    expect(await offsetOf(user, upload.path)).toBe(0);
    expect(uploadRow(upload.id)?.hash_state).toBeNull();

    // Cut after one 5 MiB part: the platform digest's state is gone, and the row says so.
    await cutPatch(user, upload, bytes, 5 * MIB + 100, 5 * MIB);
    expect(await offsetOf(user, upload.path)).toBe(5 * MIB);
    expect(uploadRow(upload.id)?.hash_state).toBe(HASH_FROM_OBJECT);

    const rest = await patchUpload(user, upload.path, 5 * MIB, bytes.subarray(5 * MIB));
    expect(rest.status, rest.text).toBe(204);
    const file = await completedFile(user, upload.path);
    expect(file).toMatchObject({ contentType: "image/jpeg", size: bytes.length, sha256: await sha256Hex(bytes) });
    expect(file.sha256).toBe(earlier.sha256);

    // One blob for both files (the earlier upload's object); the tus upload's own object is gone.
    const both = server.query(`SELECT blob_id FROM files WHERE id IN ('${earlier.id}', '${file.id}')`);
    expect(both).toHaveLength(2);
    expect(both[0]!.blob_id).toBe(both[1]!.blob_id);
    expect(server.query(`SELECT id, key, ref_count FROM blobs WHERE sha256 = '${file.sha256}'`)).toEqual([
      { id: both[0]!.blob_id, key: expect.not.stringContaining(upload.id), ref_count: 2 },
    ]);
    expect((await storedKeys()).filter((key) => key.includes(upload.id))).toEqual([]);
    const content = await fetch(`${server.url}/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${user.token}`, range: `bytes=${5 * MIB - 10}-${5 * MIB + 9}` },
    });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes.subarray(5 * MIB - 10, 5 * MIB + 10));
  }, 120_000);

  it("an interrupted PATCH that carries part of the upload drops its digest (it took bytes never stored): completion hashes the object read back", async () => {
    const user = await register();
    const bytes = padded(samples.png, 11 * MIB, 17);
    const upload = await openUpload(user, bytes.length);
    // The PATCH announces 8 MiB of the 11 and breaks off after 6.
    await cutPatch(user, upload, bytes.subarray(0, 8 * MIB), 6 * MIB, 5 * MIB);
    expect(await offsetOf(user, upload.path)).toBe(5 * MIB);
    expect(uploadRow(upload.id)?.hash_state).toBe(HASH_FROM_OBJECT);
    const rest = await patchUpload(user, upload.path, 5 * MIB, bytes.subarray(5 * MIB));
    expect(rest.status, rest.text).toBe(204);
    expect((await completedFile(user, upload.path)).sha256).toBe(await sha256Hex(bytes));
  }, 120_000);
});
