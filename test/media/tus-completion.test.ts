import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import { blobs, files, uploads } from "../../shared/db/schema";
import { ApiError } from "../../shared/http/errors";
import { collectMediaGarbage } from "../../shared/media/garbage-collection";
import { finishHeldUpload, UPLOAD_LEASE_MS } from "../../shared/media/tus-completion";
import { forgetLiveHash, HASH_FROM_OBJECT } from "../../shared/media/tus-hash";
import { patchTusUpload } from "../../shared/media/tus-uploads";
import { runScheduled } from "../../workers/jobs/scheduled";
import { cronTasks } from "../../workers/modules";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { headUpload, openUpload, padded, patchUpload, samples, sha256Hex, uniquePng } from "./fixtures";
import { testDeps } from "../kit/deps";

afterEach(() => clock.reset());

const db = () => createDatabase(env.DB);
const idOf = (path: string) => path.split("/").pop()!;
const rowOf = (id: string) => db().select().from(uploads).where(eq(uploads.id, id)).get();

/**
 * The R2 bucket of the test, except that completing a multipart upload fails: before R2 completes
 * it, or right after (as if the isolate died between R2's complete and D1's batch).
 */
function bucketFailingCompletion(bucket: R2Bucket, when: "before" | "after"): R2Bucket {
  const bound = <T extends object>(target: T, name: string | symbol) => {
    const value = Reflect.get(target, name);
    return typeof value === "function" ? value.bind(target) : value;
  };
  return new Proxy(bucket, {
    get(target, name) {
      if (name !== "resumeMultipartUpload") return bound(target, name);
      return (key: string, uploadId: string) => {
        const multipart = target.resumeMultipartUpload(key, uploadId);
        return new Proxy(multipart, {
          get(upload, method) {
            if (method !== "complete") return bound(upload, method);
            return async (parts: R2UploadedPart[]) => {
              if (when === "after") await upload.complete(parts);
              throw new Error("R2 is unavailable");
            };
          },
        });
      };
    },
  });
}

/** The test's D1, except that batches (finishFile's one transaction) fail. */
function databaseFailingBatches(d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, name) {
      if (name === "batch") return async () => Promise.reject(new Error("D1 is overloaded"));
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

type Fault = { bucket: "before" | "after" } | { database: true };

/**
 * Sends the last `bytes` of an upload at `offset` as the PATCH would, with completion failing after
 * the last part is recorded; the PATCH answers 423 upload_finishing and the upload stays fully received.
 */
async function patchFailingCompletion(user: TestUser, path: string, offset: number, bytes: Uint8Array, fault: Fault) {
  const faulty = testDeps({
    ...("bucket" in fault ? { files: bucketFailingCompletion(env.FILES, fault.bucket) } : {}),
    ...("database" in fault ? { db: createDatabase(databaseFailingBatches(env.DB)) } : {}),
  });
  const session = { userId: user.id, sessionId: decodeJwt(user.accessToken).sid as string };
  const patching = patchTusUpload(faulty, session, idOf(path), { offset, length: bytes.length, body: new Blob([bytes]).stream() });
  const error = await patching.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ status: 423, code: "upload_finishing", headers: { "retry-after": "1" } });
  const row = await rowOf(idOf(path));
  expect(row).toMatchObject({ status: "receiving", offset: row!.length, fileId: null, leaseId: null });
}

/** An upload of `bytes` whose last PATCH recorded every byte and then failed to make the file. */
async function stuckUpload(
  user: TestUser,
  bytes: Uint8Array,
  fault: Fault,
  options: { firstPatch?: number; metadata?: Record<string, string>; newIsolate?: boolean } = {},
) {
  const path = await openUpload(user, bytes.length, options.metadata);
  const first = options.firstPatch ?? 0;
  if (first > 0) expect((await patchUpload(user, path, 0, bytes.subarray(0, first))).status).toBe(204);
  // The last PATCH lands where the first one's digest is not kept.
  if (options.newIsolate) forgetLiveHash(idOf(path));
  await patchFailingCompletion(user, path, first, bytes.subarray(first), fault);
  return path;
}

async function fileOfUpload(user: TestUser, path: string) {
  const upload = await json(await api(path, { token: user.accessToken }));
  expect(upload.fileId).toEqual(expect.any(String));
  return json(await api(`/v1/files/${upload.fileId}`, { token: user.accessToken }));
}

describe("a tus upload whose completion failed after its last part was recorded", () => {
  it("HEAD finishes it (hash the last PATCH saved with its last part) and answers as for a completed upload", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "before" }, { firstPatch: 1000 });
    expect((await rowOf(idOf(path)))?.hashState).toBe(`sha256:${await sha256Hex(bytes)}`);

    const head = await headUpload(user, path);
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe("3000");
    expect(head.headers.get("upload-length")).toBe("3000");
    expect(await rowOf(idOf(path))).toMatchObject({ status: "completed", fileId: expect.any(String), leaseId: null });
    const file = await fileOfUpload(user, path);
    expect(file).toMatchObject({ contentType: "image/png", size: 3000, sha256: await sha256Hex(bytes), width: 40, height: 30 });
    const content = await api(`/v1/files/${file.id}/content`, { token: user.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes);
  });

  it("GET finishes it when the last PATCH had no digest (it ran in another isolate): hash read back from the object", async () => {
    const user = await registerUser();
    const bytes = uniquePng(6000);
    const path = await stuckUpload(user, bytes, { bucket: "before" }, { firstPatch: 2000, newIsolate: true });
    expect((await rowOf(idOf(path)))?.hashState).toBe(HASH_FROM_OBJECT);

    const upload = await json(await api(path, { token: user.accessToken }));
    expect(upload).toMatchObject({ offset: 6000, length: 6000, fileId: expect.any(String) });
    const file = await json(await api(`/v1/files/${upload.fileId}`, { token: user.accessToken }));
    expect(file).toMatchObject({ size: 6000, sha256: await sha256Hex(bytes) });
  });

  it("a multipart upload R2 completed before the finisher died is not completed twice; D1 failing the batch is retried too", async () => {
    const user = await registerUser();
    const completed = uniquePng(4000);
    const afterComplete = await stuckUpload(user, completed, { bucket: "after" }, { firstPatch: 100 });
    expect(await env.FILES.head(`blobs/${idOf(afterComplete)}`)).toMatchObject({ size: 4000 });
    expect((await fileOfUpload(user, afterComplete)).sha256).toBe(await sha256Hex(completed));

    const batchless = uniquePng(5000);
    const batchFailed = await stuckUpload(user, batchless, { database: true });
    expect((await fileOfUpload(user, batchFailed)).sha256).toBe(await sha256Hex(batchless));
  });

  it("a PATCH the client retries at its old offset finishes it and then tells the offset (409 at the length)", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "before" }, { firstPatch: 1000 });
    const retried = await patchUpload(user, path, 1000, bytes.subarray(1000));
    await expectProblem(retried, 409, "offset_mismatch");
    expect(retried.headers.get("upload-offset")).toBe("3000");
    expect((await fileOfUpload(user, path)).sha256).toBe(await sha256Hex(bytes));
  });

  it("while a finisher holds it (its request died), HEAD and GET answer 423 upload_finishing, not an offset; then it is finished", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "after" });
    await db()
      .update(uploads)
      .set({ leaseId: "a-finisher-that-died", leaseExpiresAt: new Date(clock.now() + UPLOAD_LEASE_MS) })
      .where(eq(uploads.id, idOf(path)));

    const head = await headUpload(user, path);
    expect(head.status).toBe(423);
    expect(head.headers.get("retry-after")).toBe("1");
    expect(head.headers.get("upload-offset")).toBeNull();
    await expectProblem(await api(path, { token: user.accessToken }), 423, "upload_finishing");

    clock.advance(UPLOAD_LEASE_MS + 1000);
    const again = await headUpload(user, path);
    expect(again.status).toBe(200);
    expect(again.headers.get("upload-offset")).toBe("3000");
    expect((await fileOfUpload(user, path)).sha256).toBe(await sha256Hex(bytes));
  });

  it("concurrent HEADs and GETs make exactly one file (one blob reference)", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "before" }, { firstPatch: 500 });
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => headUpload(user, path)),
      ...Array.from({ length: 2 }, () => api(path, { token: user.accessToken })),
    ]);
    const statuses = answers.map((response) => response.status);
    expect(
      statuses.every((status) => status === 200 || status === 423),
      String(statuses),
    ).toBe(true);
    expect(statuses).toContain(200);
    for (const response of answers) {
      await response.arrayBuffer();
      if (response.status === 200 && response.headers.get("upload-offset") !== null) expect(response.headers.get("upload-offset")).toBe("3000");
    }

    const sha256 = await sha256Hex(bytes);
    const made = await db().select().from(files).where(eq(files.sha256, sha256));
    expect(made).toHaveLength(1);
    expect(await db().select().from(blobs).where(eq(blobs.sha256, sha256))).toEqual([
      expect.objectContaining({ id: made[0]!.blobId, refCount: 1, key: path.replace("/v1/uploads/", "blobs/") }),
    ]);
    expect(await rowOf(idOf(path))).toMatchObject({ status: "completed", fileId: made[0]!.id });
    expect((await headUpload(user, path)).status).toBe(200);
  });

  it("a finisher that lost its lease to another one that made the file first gets that file and leaves the bytes alone", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "before" }, { firstPatch: 1000 });
    await db()
      .update(uploads)
      .set({ leaseId: "slow-finisher", leaseExpiresAt: new Date(clock.now() - 1) })
      .where(eq(uploads.id, idOf(path)));
    const slow = (await rowOf(idOf(path)))!;
    // Another finisher takes the expired lease and makes the file while the slow one still works.
    const first = await json(await api(path, { token: user.accessToken }));
    expect(first.fileId).toEqual(expect.any(String));

    const late = await finishHeldUpload(testDeps(), slow, null, { now: clock.now() });
    expect(late).toMatchObject({ status: "completed", fileId: first.fileId });
    const sha256 = await sha256Hex(bytes);
    expect(await db().select().from(files).where(eq(files.sha256, sha256))).toHaveLength(1);
    expect(await db().select().from(blobs).where(eq(blobs.sha256, sha256))).toEqual([expect.objectContaining({ refCount: 1, key: `blobs/${idOf(path)}` })]);
    const content = await api(`/v1/files/${first.fileId}/content`, { token: user.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes);
  });

  it("bytes of a type refused for the purpose, met only when finishing: 415, the upload failed with its reason, the bytes gone", async () => {
    const user = await registerUser();
    const html = padded(samples.html, 6000, 1).map((b, i) => (i < samples.html.length ? b : 0x20));
    // The first PATCH brings too few bytes to tell the type, so only the finishing step sees it.
    const path = await stuckUpload(user, html, { bucket: "before" }, { firstPatch: 100, metadata: { purpose: "image", name: "page.png" } });
    await expectProblem(await api(path, { token: user.accessToken }), 415, "unsupported_media_type");
    expect(await rowOf(idOf(path))).toMatchObject({ status: "failed", failure: "unsupported_media_type", fileId: null, leaseId: null });
    expect(await env.FILES.head(`blobs/${idOf(path)}`)).toBeNull();
    expect((await headUpload(user, path)).status).toBe(404);
  });
});

describe("the media cron and fully received uploads", () => {
  it("finishes one nobody asked about", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "after" }, { firstPatch: 2000 });
    await runScheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: clock.now() }), env, cronTasks);
    const row = await rowOf(idOf(path));
    expect(row).toMatchObject({ status: "completed", fileId: expect.any(String) });
    const file = await json(await api(`/v1/files/${row!.fileId}`, { token: user.accessToken }));
    expect(file).toMatchObject({ size: 3000, sha256: await sha256Hex(bytes) });
  });

  it("never expires a fully received upload: past its expiry it is finished, not aborted", async () => {
    const user = await registerUser();
    const bytes = uniquePng(4000);
    const path = await stuckUpload(user, bytes, { bucket: "before" });
    const expired = clock.now() + testDeps().config.media.uploadExpirySeconds * 1000 + 1000;
    const result = await collectMediaGarbage(testDeps(), expired);
    expect(result.uploadsNotFinished.filter((upload) => upload.uploadId === idOf(path))).toEqual([]);
    expect(result.uploadsFinished).toBeGreaterThanOrEqual(1);
    // The finished row stays for another expiry period, so the client's HEAD finds the upload complete.
    const row = (await rowOf(idOf(path)))!;
    expect(row).toMatchObject({ status: "completed", failure: null });
    expect(row.expiresAt.getTime()).toBeGreaterThan(expired);
    const head = await headUpload(user, path);
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe("4000");
    expect((await fileOfUpload(user, path)).sha256).toBe(await sha256Hex(bytes));
  });

  it("a fully received upload of a deleted account is aborted, not made into a file", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "after" });
    const deleted = await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } });
    expect(deleted.status, await deleted.text()).toBe(204);
    const result = await collectMediaGarbage(testDeps(), clock.now());
    expect(result.uploadsNotFinished.filter((upload) => upload.uploadId === idOf(path))).toEqual([]);
    expect(
      await db()
        .select()
        .from(files)
        .where(eq(files.sha256, await sha256Hex(bytes))),
    ).toEqual([]);
    expect(await rowOf(idOf(path))).toBeUndefined();
    expect(await env.FILES.head(`blobs/${idOf(path)}`)).toBeNull();
  });

  it("one that cannot be finished stays for the next run; past its expiry it is failed with reason finish_failed, its bytes removed", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await stuckUpload(user, bytes, { bucket: "before" }, { firstPatch: 1000 });
    const id = idOf(path);
    const stuck = (await rowOf(id))!;
    const broken = testDeps({ files: bucketFailingCompletion(env.FILES, "before") });

    const early = await collectMediaGarbage(broken, clock.now());
    expect(early.uploadsNotFinished).toContainEqual({ uploadId: id, code: "upload_finishing", reason: expect.any(String) });
    expect(await rowOf(id)).toMatchObject({ status: "receiving", offset: 3000, leaseId: null });

    const expired = clock.now() + testDeps().config.media.uploadExpirySeconds * 1000 + 1000;
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void errors.push(String(line)));
    const late = await collectMediaGarbage(broken, expired);
    vi.restoreAllMocks();
    // The cause is logged with the upload; the problem's detail (which a client may read) never carries it.
    expect(late.uploadsNotFinished).toContainEqual({ uploadId: id, code: "finish_failed", reason: expect.not.stringContaining("R2 is unavailable") });
    expect(errors.some((line) => line.includes("tus upload not finished") && line.includes(id) && line.includes("R2 is unavailable"))).toBe(true);
    // The reason stays readable on the row for an expiry period.
    expect(await rowOf(id)).toMatchObject({ status: "failed", failure: "finish_failed", fileId: null });
    expect((await rowOf(id))!.expiresAt.getTime()).toBeGreaterThan(expired);
    expect(await env.FILES.head(`blobs/${id}`)).toBeNull();
    // The multipart upload was aborted: its parts cannot be completed any more.
    await expect(env.FILES.resumeMultipartUpload(stuck.key, stuck.multipartId!).complete(JSON.parse(stuck.parts))).rejects.toThrow();
    expect((await headUpload(user, path)).status).toBe(404);
  });
});
