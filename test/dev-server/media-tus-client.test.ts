import { createHash, randomBytes } from "node:crypto";
import { Upload } from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { registerOn } from "./accounts";
import { cuttingProxy } from "./cutting-proxy";

const PORT = testPort(8881);
const PROXY_PORT = testPort(8882);
const MIB = 1024 * 1024;

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "media-tus-e2e", testScheduled: true });
}, 420_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

/** A new account's access token on this file's dev server. */
const register = async () => (await registerOn(server.url, "tus")).token;

/** A JPEG header followed by random bytes: an allowed type of any size. */
function jpegOf(size: number): Buffer {
  const bytes = randomBytes(size);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).copy(bytes, 0);
  return bytes;
}

function tusUpload(token: string, bytes: Buffer, extra: Partial<ConstructorParameters<typeof Upload>[1]> = {}) {
  return new Upload(bytes, {
    endpoint: `${server.url}/v1/uploads`,
    headers: { authorization: `Bearer ${token}` },
    metadata: { purpose: "asset", filename: "clip.jpg" },
    retryDelays: [0, 500, 1000, 2000, 4000, 8000, 16000],
    ...extra,
  });
}

async function fileOf(token: string, uploadUrl: string) {
  const upload = (await (await fetch(uploadUrl, { headers: { authorization: `Bearer ${token}` } })).json()) as { fileId: string | null };
  expect(upload.fileId).toBeTruthy();
  const response = await fetch(`${server.url}/v1/files/${upload.fileId}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as { sha256: string; size: number; contentType: string; name: string };
}

describe("tus-js-client against wrangler dev", () => {
  it("uploads in 2 MiB PATCHes (tail buffering into 5 MiB parts) and the file has the bytes' hash", async () => {
    const token = await register();
    const bytes = jpegOf(13 * MIB + 321);
    const upload = tusUpload(token, bytes, { chunkSize: 2 * MIB });
    await new Promise<void>((resolve, reject) => {
      upload.options.onSuccess = () => resolve();
      upload.options.onError = reject;
      upload.start();
    });
    const file = await fileOf(token, upload.url!);
    expect(file).toMatchObject({ size: bytes.length, contentType: "image/jpeg", name: "clip.jpg", sha256: createHash("sha256").update(bytes).digest("hex") });
  }, 120_000);

  it("resumes by itself after the connection drops mid-PATCH (whole-upload PATCH: hash read back at completion, bytes dedup)", async () => {
    const token = await register();
    const bytes = jpegOf(17 * MIB);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // The same bytes stored before, by the single request: the resumed upload must end up on this blob.
    const earlier = await fetch(`${server.url}/v1/files?purpose=asset&name=earlier.jpg`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(earlier.status).toBe(201);
    const earlierFile = (await earlier.json()) as { id: string; sha256: string };
    expect(earlierFile.sha256).toBe(sha256);
    let uploadPath = "";
    // The drop comes once the server has recorded the first 5 MiB part of the PATCH it is reading.
    const partRecorded = async () => {
      for (let tries = 0; tries < 300; tries++) {
        const response = await fetch(`${server.url}${uploadPath}`, { headers: { authorization: `Bearer ${token}` } });
        if (((await response.json()) as { offset: number }).offset >= 5 * MIB) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("The server recorded no part of the PATCH within 30 s");
    };
    const proxy = await cuttingProxy(PROXY_PORT, PORT);
    try {
      const resumedAt: number[] = [];
      const upload = tusUpload(token, bytes, {
        endpoint: `${proxy.url}/v1/uploads`,
        onAfterResponse: (request, response) => {
          if (request.getMethod() === "POST") {
            uploadPath = new URL(response.getHeader("Location")!, server.url).pathname;
            // The PATCH that follows is cut 8 MiB into its body.
            if (proxy.cuts() === 0) proxy.cutNext(8 * MIB, partRecorded);
          }
          if (request.getMethod() === "HEAD") resumedAt.push(Number(response.getHeader("Upload-Offset")));
        },
      });
      await new Promise<void>((resolve, reject) => {
        upload.options.onError = reject;
        upload.options.onSuccess = () => resolve();
        upload.start();
      });
      expect(proxy.cuts()).toBe(1);
      // The server kept the whole 5 MiB parts that arrived before the cut (the cut request may still
      // be finishing a part when the client first asks: it gets 423 and asks again).
      const resumed = resumedAt.at(-1)!;
      expect(resumed % (5 * MIB)).toBe(0);
      expect(resumed).toBeGreaterThanOrEqual(5 * MIB);
      const file = await fileOf(token, upload.url!.replace(`:${PROXY_PORT}`, `:${PORT}`));
      expect(file.sha256).toBe(sha256);
      // tus-js-client sent the whole upload in one PATCH (native digest); the cut lost that digest's
      // state, so the row kept the marker and completion hashed the object read back from R2.
      const uploadId = upload.url!.split("/").pop()!;
      expect(server.query(`SELECT status, hash_state FROM uploads WHERE id = '${uploadId}'`)).toEqual([{ status: "completed", hash_state: "from-object" }]);
      const blobs = server.query(`SELECT id, key, ref_count FROM blobs WHERE sha256 = '${sha256}'`);
      expect(blobs).toHaveLength(1);
      expect(blobs[0]).toMatchObject({ key: expect.not.stringContaining(uploadId), ref_count: 2 });
      const files = server.query(`SELECT blob_id FROM files WHERE sha256 = '${sha256}'`);
      expect(files).toEqual([{ blob_id: blobs[0]!.id }, { blob_id: blobs[0]!.id }]);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it("an expired upload is gone: tus-js-client starts a new one, and the media cron removes the old one", async () => {
    const token = await register();
    const bytes = jpegOf(7 * MIB);
    const first = tusUpload(token, bytes, { chunkSize: 6 * MIB });
    await new Promise<void>((resolve, reject) => {
      first.options.onError = reject;
      first.options.onChunkComplete = () => resolve();
      first.start();
    });
    await first.abort(false);
    const oldId = first.url!.split("/").pop()!;
    server.query(`UPDATE uploads SET expires_at = ${Date.now() - 1000} WHERE id = '${oldId}'`);
    const head = await fetch(first.url!, { method: "HEAD", headers: { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" } });
    expect(head.status).toBe(404);

    // Resuming the old URL: the HEAD's 404 makes tus-js-client create a new upload and send every byte.
    const again = tusUpload(token, bytes, { chunkSize: 6 * MIB, uploadUrl: first.url! });
    await new Promise<void>((resolve, reject) => {
      again.options.onError = reject;
      again.options.onSuccess = () => resolve();
      again.start();
    });
    expect(again.url).not.toBe(first.url);
    expect((await fileOf(token, again.url!)).sha256).toBe(createHash("sha256").update(bytes).digest("hex"));

    const cron = await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    expect(cron.status).toBe(200);
    // Aborted (its stored part and quota freed) and, being past its expiry already, its row removed in the same run.
    expect(server.query(`SELECT status FROM uploads WHERE id = '${oldId}'`)).toEqual([]);
  }, 120_000);

  it("terminates an upload", async () => {
    const token = await register();
    const upload = tusUpload(token, jpegOf(7 * MIB), { chunkSize: 6 * MIB });
    await new Promise<void>((resolve, reject) => {
      upload.options.onError = reject;
      upload.options.onChunkComplete = () => resolve();
      upload.start();
    });
    await upload.abort(true);
    const head = await fetch(upload.url!, { method: "HEAD", headers: { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" } });
    expect(head.status).toBe(404);
  }, 120_000);
});
