import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import { uploads } from "../../shared/db/schema";
import { collectMediaGarbage } from "../../shared/media/garbage-collection";
import { MIB } from "../../shared/media/part-plan";
import { ResumableSha256 } from "../../shared/media/resumable-sha256";
import { forgetLiveHash } from "../../shared/media/tus-hash";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { createUpload, headUpload, openUpload, padded, patchUpload, samples, sha256Hex, TUS, uniquePng } from "./fixtures";
import { testDeps } from "../kit/deps";

afterEach(() => clock.reset());

async function offsetOf(user: { accessToken: string }, path: string): Promise<number> {
  const response = await headUpload(user, path);
  expect(response.status).toBe(200);
  return Number(response.headers.get("upload-offset"));
}

describe("tus discovery and creation", () => {
  it("OPTIONS names the version and extensions", async () => {
    const response = await SELF.fetch("http://platform.test/v1/uploads", { method: "OPTIONS" });
    expect(response.status).toBe(204);
    expect(response.headers.get("tus-version")).toBe("1.0.0");
    expect(response.headers.get("tus-extension")).toBe("creation,termination,expiration");
    expect(Number(response.headers.get("tus-max-size"))).toBeGreaterThan(0);
  });

  it("creates an upload at offset 0 with a Location and an expiry", async () => {
    const user = await registerUser();
    const response = await createUpload(user, 1000);
    expect(response.status).toBe(201);
    expect(response.headers.get("tus-resumable")).toBe("1.0.0");
    expect(response.headers.get("location")).toMatch(/^http:\/\/platform\.test\/v1\/uploads\/[0-9a-f-]{36}$/);
    expect(new Date(response.headers.get("upload-expires")!).getTime()).toBeGreaterThan(Date.now());
    const path = new URL(response.headers.get("location")!).pathname;
    const head = await headUpload(user, path);
    expect(head.headers.get("upload-offset")).toBe("0");
    expect(head.headers.get("upload-length")).toBe("1000");
    expect(head.headers.get("cache-control")).toBe("no-store");
    expect(await json(await api(path, { token: user.accessToken }))).toMatchObject({ offset: 0, length: 1000, fileId: null });
  });

  it("refuses what it cannot take: 401, 412, 400, 413", async () => {
    const user = await registerUser();
    await expectProblem(await createUpload(null, 1000), 401);
    await expectProblem(await createUpload(user, 1000, undefined, { "tus-resumable": "0.2.2" }), 412, "tus_version_unsupported");
    await expectProblem(await createUpload(user, 1000, { name: "x" }), 400, "invalid_metadata");
    await expectProblem(await createUpload(user, 1000, { purpose: "image", visibility: "everyone" }), 400, "invalid_metadata");
    const noLength = await SELF.fetch("http://platform.test/v1/uploads", { method: "POST", headers: { ...TUS, authorization: `Bearer ${user.accessToken}` } });
    await expectProblem(noLength, 400, "invalid_header");
    await expectProblem(await createUpload(user, 2_000_001, { purpose: "image" }), 413, "file_too_large");
    await expectProblem(await createUpload(user, 0, { purpose: "image" }), 400, "empty_upload");
    await expectProblem(
      await createUpload(user, 23_000_000, { purpose: "asset" }).then(async (first) => {
        expect(first.status).toBe(201);
        return createUpload(user, 2_000_000, { purpose: "asset" });
      }),
      413,
      "quota_exceeded",
    );
  });
});

describe("tus PATCH", () => {
  it("a small upload in one PATCH becomes a file", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await openUpload(user, bytes.length, { purpose: "image", name: "one.png", visibility: "public" });
    const response = await patchUpload(user, path, 0, bytes);
    expect(response.status, await response.text()).toBe(204);
    expect(response.headers.get("upload-offset")).toBe("3000");
    const upload = await json(await api(path, { token: user.accessToken }));
    expect(upload).toMatchObject({ offset: 3000, length: 3000 });
    const file = await json(await api(`/v1/files/${upload.fileId}`, { token: user.accessToken }));
    expect(file).toMatchObject({
      name: "one.png",
      contentType: "image/png",
      visibility: "public",
      size: 3000,
      sha256: await sha256Hex(bytes),
      width: 40,
      height: 30,
    });
  });

  it("PATCHes of any size make equal 5 MiB parts; the hash carries across requests", async () => {
    const user = await registerUser();
    const bytes = padded(samples.jpeg, 12 * MIB + 12345, 77);
    const path = await openUpload(user, bytes.length);
    const cuts = [0, 3 * MIB + 1, 7 * MIB + 5, 11 * MIB, bytes.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const response = await patchUpload(user, path, cuts[i]!, bytes.subarray(cuts[i], cuts[i + 1]));
      expect(response.status, await response.text()).toBe(204);
      expect(Number(response.headers.get("upload-offset"))).toBe(cuts[i + 1]);
    }
    const { fileId } = await json(await api(path, { token: user.accessToken }));
    const file = await json(await api(`/v1/files/${fileId}`, { token: user.accessToken }));
    expect(file).toMatchObject({ contentType: "image/jpeg", size: bytes.length, sha256: await sha256Hex(bytes) });
    const content = await api(`/v1/files/${fileId}/content`, { token: user.accessToken, headers: { range: `bytes=${5 * MIB - 10}-${5 * MIB + 9}` } });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes.subarray(5 * MIB - 10, 5 * MIB + 10));
  });

  it("PATCHes resumed where the digest is gone (another isolate) still end with the right SHA-256 and the stored bytes match it", async () => {
    const user = await registerUser();
    const bytes = padded(samples.jpeg, 16 * MIB + 4321, 23);
    const path = await openUpload(user, bytes.length);
    const id = path.split("/").pop()!;
    const cuts = [0, 5 * MIB, 7 * MIB + 3, 12 * MIB, bytes.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      // Every PATCH after the first lands where no digest of this upload is kept.
      if (i > 0) forgetLiveHash(id);
      const response = await patchUpload(user, path, cuts[i]!, bytes.subarray(cuts[i], cuts[i + 1]));
      expect(response.status, await response.text()).toBe(204);
    }
    const { fileId } = await json(await api(path, { token: user.accessToken }));
    const file = await json(await api(`/v1/files/${fileId}`, { token: user.accessToken }));
    expect(file).toMatchObject({ size: bytes.length, sha256: await sha256Hex(bytes) });
    const content = await api(`/v1/files/${fileId}/content`, { token: user.accessToken });
    expect(await sha256Hex(new Uint8Array(await content.arrayBuffer()))).toBe(file.sha256);
  });

  it("a resumable SHA-256 state an older version saved between PATCHes is continued", async () => {
    const user = await registerUser();
    const bytes = padded(samples.png, 6 * MIB + 99, 41);
    const path = await openUpload(user, bytes.length);
    const id = path.split("/").pop()!;
    const db = createDatabase(env.DB);
    expect((await patchUpload(user, path, 0, bytes.subarray(0, 1000))).status).toBe(204);
    forgetLiveHash(id);
    await db
      .update(uploads)
      .set({ hashState: new ResumableSha256().update(bytes.subarray(0, 1000)).save() })
      .where(eq(uploads.id, id));
    expect((await patchUpload(user, path, 1000, bytes.subarray(1000, 3 * MIB))).status).toBe(204);
    const between = await db.select().from(uploads).where(eq(uploads.id, id)).get();
    expect(between?.hashState).toMatch(new RegExp(`^[0-9a-f]{64}:${3 * MIB}:$`));
    const rest = await patchUpload(user, path, 3 * MIB, bytes.subarray(3 * MIB));
    expect(rest.status, await rest.text()).toBe(204);
    const { fileId } = await json(await api(path, { token: user.accessToken }));
    const file = await json(await api(`/v1/files/${fileId}`, { token: user.accessToken }));
    expect(file.sha256).toBe(await sha256Hex(bytes));
  });

  it("a wrong offset is 409 with the current offset", async () => {
    const user = await registerUser();
    const path = await openUpload(user, 5000);
    expect((await patchUpload(user, path, 0, uniquePng(1000))).status).toBe(204);
    const response = await patchUpload(user, path, 0, uniquePng(1000));
    await expectProblem(response, 409, "offset_mismatch");
    expect(response.headers.get("upload-offset")).toBe("1000");
  });

  it("a PATCH while another one writes is 423; the writer's last step frees the upload", async () => {
    const user = await registerUser();
    const bytes = uniquePng(3000);
    const path = await openUpload(user, 6000);
    const id = path.split("/").pop()!;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let step = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (step++ === 0) return controller.enqueue(bytes.subarray(0, 1000));
        await gate;
        controller.enqueue(bytes.subarray(1000));
        controller.close();
      },
    });
    const writing = patchUpload(user, path, 0, slow, { "content-length": "3000" });
    const db = createDatabase(env.DB);
    for (let tries = 0; !(await db.select().from(uploads).where(eq(uploads.id, id)).get())?.leaseId; tries++) {
      if (tries > 200) throw new Error("the first PATCH never took the upload");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const blocked = await patchUpload(user, path, 0, uniquePng(1000));
    await expectProblem(blocked, 423, "upload_locked");
    expect(blocked.headers.get("retry-after")).toBe("1");
    open();
    expect((await writing).status).toBe(204);
    expect((await db.select().from(uploads).where(eq(uploads.id, id)).get())?.leaseId).toBeNull();
    expect((await patchUpload(user, path, 3000, uniquePng(3000))).status).toBe(204);
  });

  it("bytes not allowed for the purpose are 415 and the upload is gone", async () => {
    const user = await registerUser();
    const html = padded(samples.html, 6000, 1).map((b, i) => (i < samples.html.length ? b : 0x20));
    const path = await openUpload(user, html.length, { purpose: "image" });
    await expectProblem(await patchUpload(user, path, 0, html), 415, "unsupported_media_type");
    await expectProblem(await api(path, { token: user.accessToken }), 404);
  });

  // The PATCH has no session read of its own: the lease statement checks the session.
  for (const [ending, end] of [
    ["logged out", (user: TestUser) => api("/v1/auth/logout", { method: "POST", token: user.accessToken })],
    ["disabled", (user: TestUser) => env.DB.prepare("UPDATE users SET disabled_at = 1 WHERE id = ?1").bind(user.id).run()],
  ] as const) {
    it(`a PATCH of a session that ended (${ending}) is 401 session_revoked and takes nothing`, async () => {
      const user = await registerUser();
      const path = await openUpload(user, 5000);
      expect((await patchUpload(user, path, 0, uniquePng(1000))).status).toBe(204);
      await end(user);
      await expectProblem(await patchUpload(user, path, 1000, uniquePng(1000)), 401, "session_revoked");
      // Refused before any other check: a wrong offset from an ended session is still 401.
      await expectProblem(await patchUpload(user, path, 0, uniquePng(1000)), 401, "session_revoked");
      const row = await createDatabase(env.DB)
        .select()
        .from(uploads)
        .where(eq(uploads.id, path.split("/").pop()!))
        .get();
      expect(row).toMatchObject({ offset: 1000, leaseId: null });
    });
  }

  it("refuses bad requests: 401, 404 for another user's upload, 412, 415, 400, 413", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const path = await openUpload(alice, 5000);
    const bytes = uniquePng(1000);
    await expectProblem(await patchUpload(null, path, 0, bytes), 401);
    await expectProblem(await patchUpload(bob, path, 0, bytes), 404);
    await expectProblem(await patchUpload(alice, path, 0, bytes, { "tus-resumable": "2.0.0" }), 412);
    await expectProblem(await patchUpload(alice, path, 0, bytes, { "content-type": "application/octet-stream" }), 415);
    await expectProblem(await patchUpload(alice, path, 0, bytes, { "upload-offset": "-1" }), 400, "invalid_header");
    await expectProblem(await patchUpload(alice, path, 0, uniquePng(5001)), 413, "upload_too_long");
    await expectProblem(await api(path, { token: bob.accessToken }), 404);
    await expectProblem(await api(path), 401);
    expect((await SELF.fetch(`http://platform.test${path}`, { method: "HEAD", headers: TUS })).status).toBe(401);
    expect((await headUpload(bob, path)).status).toBe(404);
    expect(await offsetOf(alice, path)).toBe(0);
  });
});

describe("tus termination and expiry", () => {
  it("DELETE ends the upload and its stored bytes", async () => {
    const user = await registerUser();
    const path = await openUpload(user, 8 * MIB);
    expect((await patchUpload(user, path, 0, padded(samples.png, 6 * MIB, 3))).status).toBe(204);
    const id = path.split("/").pop()!;
    const row = await env.DB.prepare("SELECT tail_key FROM uploads WHERE id = ?").bind(id).first<{ tail_key: string }>();
    expect(await env.FILES.head(row!.tail_key)).not.toBeNull();
    const other = await registerUser();
    await expectProblem(
      await SELF.fetch(`http://platform.test${path}`, { method: "DELETE", headers: { ...TUS, authorization: `Bearer ${other.accessToken}` } }),
      404,
    );
    const response = await SELF.fetch(`http://platform.test${path}`, { method: "DELETE", headers: { ...TUS, authorization: `Bearer ${user.accessToken}` } });
    expect(response.status).toBe(204);
    expect((await headUpload(user, path)).status).toBe(404);
    expect(await env.FILES.head(row!.tail_key)).toBeNull();
    await expectProblem(await SELF.fetch(`http://platform.test${path}`, { method: "DELETE", headers: TUS }), 401);
  });

  it("an unfinished upload is gone once Upload-Expires has passed, before the cron removes it", async () => {
    const user = await registerUser();
    const path = await openUpload(user, 8 * MIB);
    expect((await patchUpload(user, path, 0, padded(samples.png, 6 * MIB, 5))).status).toBe(204);
    const id = path.split("/").pop()!;
    const expireAt = (at: number) => env.DB.prepare("UPDATE uploads SET expires_at = ? WHERE id = ?").bind(at, id).run();
    await expireAt(clock.now() + 60_000);
    expect((await headUpload(user, path)).status).toBe(200);
    await expireAt(clock.now() - 1);
    expect((await headUpload(user, path)).status).toBe(404);
    await expectProblem(
      await SELF.fetch(`http://platform.test${path}`, { headers: { ...TUS, authorization: `Bearer ${user.accessToken}` } }),
      404,
      "not_found",
    );
    // A PATCH at the right offset neither stores bytes nor moves the expiry forward.
    await expectProblem(await patchUpload(user, path, 6 * MIB, padded(samples.png, MIB, 6)), 404, "not_found");
    const row = await env.DB.prepare("SELECT status, offset, expires_at FROM uploads WHERE id = ?")
      .bind(id)
      .first<{ status: string; offset: number; expires_at: number }>();
    expect(row).toMatchObject({ status: "receiving", offset: 6 * MIB });
    expect(row!.expires_at).toBeLessThan(clock.now());
  });

  it("an unfinished upload expires: the cron aborts it and frees its quota", async () => {
    const user = await registerUser();
    const path = await openUpload(user, 20_000_000);
    expect((await patchUpload(user, path, 0, padded(samples.png, 6 * MIB, 4))).status).toBe(204);
    await expectProblem(await createUpload(user, 5_000_000), 413, "quota_exceeded");
    const id = path.split("/").pop()!;
    const row = await env.DB.prepare("SELECT tail_key FROM uploads WHERE id = ?").bind(id).first<{ tail_key: string }>();
    const result = await collectMediaGarbage(testDeps(), clock.now() + testDeps().config.media.uploadExpirySeconds * 1000 + 1000);
    expect(result.uploadsExpired).toBeGreaterThanOrEqual(1);
    expect(result.failures).toEqual([]);
    expect(await env.FILES.head(row!.tail_key)).toBeNull();
    expect((await headUpload(user, path)).status).toBe(404);
    expect((await createUpload(user, 5_000_000)).status).toBe(201);
  });
});
