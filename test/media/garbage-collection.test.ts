import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import { collectMediaGarbage } from "../../shared/media/garbage-collection";
import { openUploadSlot } from "../../shared/media/records/uploads";
import { newId } from "../../shared/ids";
import { createScheduledController } from "cloudflare:test";
import { runScheduled } from "../../workers/jobs/scheduled";
import { cronTasks } from "../../workers/modules";
import { api, expectProblem, registerUser } from "../helpers";
import { postFile, uniquePng, uploadFile } from "./fixtures";
import { testDeps } from "../kit/deps";

afterEach(() => clock.reset());

const db = () => createDatabase(env.DB);
const graceMs = () => testDeps().config.media.blobGraceSeconds * 1000;
const expiryMs = () => testDeps().config.media.uploadExpirySeconds * 1000;

async function blobOf(sha256: string) {
  return env.DB.prepare("SELECT key, ref_count FROM blobs WHERE sha256 = ?").bind(sha256).first<{ key: string; ref_count: number }>();
}

describe("reference counting and the GC cron", () => {
  it("bytes nobody references are removed after the grace period, not before", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng());
    const { key } = (await blobOf(file.sha256))!;
    const variant = await api(`/v1/files/${file.id}/content?width=32`, { token: user.accessToken });
    expect(variant.status).toBe(200);
    await variant.arrayBuffer();
    expect((await env.FILES.list({ prefix: `variants/${file.sha256}/` })).objects).toHaveLength(1);
    expect((await api(`/v1/files/${file.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);

    await collectMediaGarbage(testDeps(), clock.now());
    expect(await blobOf(file.sha256)).toMatchObject({ ref_count: 0 });
    expect(await env.FILES.head(key)).not.toBeNull();

    await collectMediaGarbage(testDeps(), clock.now() + graceMs() + 1000);
    expect(await blobOf(file.sha256)).toBeNull();
    expect(await env.FILES.head(key)).toBeNull();
    expect((await env.FILES.list({ prefix: `variants/${file.sha256}/` })).objects).toHaveLength(0);
  });

  it("bytes still referenced by another file stay", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const bytes = uniquePng();
    const [a] = [await uploadFile(alice, bytes), await uploadFile(bob, bytes)];
    await api(`/v1/files/${a.id}`, { method: "DELETE", token: alice.accessToken });
    await collectMediaGarbage(testDeps(), clock.now() + graceMs() + 1000);
    const blob = await blobOf(a.sha256);
    expect(blob?.ref_count).toBe(1);
    expect(await env.FILES.head(blob!.key)).not.toBeNull();
  });

  it("bytes uploaded again during the grace period are kept", async () => {
    const user = await registerUser();
    const bytes = uniquePng();
    const first = await uploadFile(user, bytes);
    await api(`/v1/files/${first.id}`, { method: "DELETE", token: user.accessToken });
    const again = await uploadFile(user, bytes);
    await collectMediaGarbage(testDeps(), clock.now() + graceMs() + 1000);
    const content = await api(`/v1/files/${again.id}/content`, { token: user.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes);
  });

  it("an upload in flight keeps its bytes; once expired its slot and leftovers go and its quota comes back", async () => {
    const user = await registerUser();
    const uploadId = newId();
    const key = `blobs/${uploadId}`;
    const now = clock.now();
    const length = 23_900_000;
    const opened = await openUploadSlot(
      db(),
      {
        id: uploadId,
        ownerId: user.id,
        kind: "single",
        purpose: "image",
        name: "x",
        visibility: "private",
        length,
        key,
        partSize: 0,
        multipartId: null,
        createdAt: now,
        expiresAt: now + expiryMs(),
      },
      testDeps().config.media.quotaBytes,
    );
    expect(opened).toBe(true);
    await env.FILES.put(key, uniquePng(1000));
    await expectProblem(await postFile(user, uniquePng(200_000), { purpose: "asset" }), 413, "quota_exceeded");

    await collectMediaGarbage(testDeps(), now + graceMs() + 1000);
    expect(await env.FILES.head(key)).not.toBeNull();

    const result = await collectMediaGarbage(testDeps(), now + expiryMs() + 1000);
    expect(result.uploadsExpired).toBeGreaterThanOrEqual(1);
    expect(await env.FILES.head(key)).toBeNull();
    expect(await env.DB.prepare("SELECT 1 FROM uploads WHERE id = ?").bind(uploadId).first()).toBeNull();
    expect((await postFile(user, uniquePng(200_000), { purpose: "asset" })).status).toBe(201);
  });

  it("runs every 5 minutes from the Worker's cron", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng());
    const { key } = (await blobOf(file.sha256))!;
    await api(`/v1/files/${file.id}`, { method: "DELETE", token: user.accessToken });
    clock.advance(graceMs() + 1000);
    await runScheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: clock.now() }), env, cronTasks);
    expect(await blobOf(file.sha256)).toBeNull();
    expect(await env.FILES.head(key)).toBeNull();
  });
});
