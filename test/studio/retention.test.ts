import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { applyRetention } from "../../shared/studio/library/retention";
import { runScheduled } from "../../workers/jobs/scheduled";
import { cronTasks } from "../../workers/modules";
import { api, expectProblem, json } from "../helpers";
import { blobRefCount, insertAssetRow, listAssets, studioOwner, uploadAsset } from "./fixtures";
import { testDeps } from "../kit/deps";

const DAY = 86_400_000;
afterEach(() => clock.reset());

describe("retention", () => {
  it("the cron deletes old assets but keeps favourites, headliners and recent ones; files lose their references", async () => {
    const { user, boxes } = await studioOwner(1);
    const box = boxes[0]!.id;
    const old = await uploadAsset(user, box);
    const favourite = await uploadAsset(user, box);
    const headliner = await uploadAsset(user, box);
    await api(`/v1/studio/assets/${favourite.asset.id}`, { method: "PATCH", token: user.accessToken, body: { favorite: true } });
    await api(`/v1/studio/boxes/${box}`, { method: "PATCH", token: user.accessToken, body: { headlinerAssetId: headliner.asset.id } });
    expect(await blobRefCount(old.file.sha256)).toBe(2);
    expect(old.asset.expiresAt).toBe(new Date(new Date(old.asset.createdAt).getTime() + 10 * DAY).toISOString());
    const recent = await uploadAsset(user, box);
    // Time passes for the assets only (moving the clock would expire the access token).
    const age = (id: string, ms: number) =>
      env.DB.prepare("UPDATE studio_assets SET created_at = ? WHERE id = ?")
        .bind(Date.now() - ms, id)
        .run();
    const cron = () => runScheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: clock.now() }), env, cronTasks);

    for (const made of [old, favourite, headliner, recent]) await age(made.asset.id, 9 * DAY);
    await cron();
    expect((await listAssets(user, box)).items).toHaveLength(4);

    for (const made of [old, favourite, headliner]) await age(made.asset.id, 10 * DAY + 60_000);
    await cron();
    const left = (await listAssets(user, box)).items.map((item) => item.id);
    expect(left.sort()).toEqual([favourite.asset.id, headliner.asset.id, recent.asset.id].sort());
    await expectProblem(await api(`/v1/studio/assets/${old.asset.id}`, { token: user.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${old.asset.fileId}`, { token: user.accessToken }), 404);
    expect(await blobRefCount(old.file.sha256)).toBe(1);
    expect(await blobRefCount(favourite.file.sha256)).toBe(2);
    expect(await blobRefCount(headliner.file.sha256)).toBe(2);
    const kept = await json(await api(`/v1/studio/assets/${headliner.asset.id}`, { token: user.accessToken }));
    expect(kept.expiresAt).toBeNull();
  });

  it("works in bounded batches and reports when more are left", async () => {
    const { user, boxes } = await studioOwner(1);
    const box = boxes[0]!.id;
    const longAgo = Date.now() - 400 * DAY;
    for (let i = 0; i < 30; i++) await insertAssetRow({ boxId: box, ownerId: user.id, createdAt: longAgo + i });
    // Other tests' old assets may be expired too: only this user's count is checked.
    const mine = async () => (await env.DB.prepare("SELECT count(*) AS n FROM studio_assets WHERE owner_id = ?").bind(user.id).first<{ n: number }>())!.n;
    const first = await applyRetention(testDeps(), clock.now(), { batch: 10, maxBatches: 2 });
    expect(first).toEqual({ deleted: 20, more: true });
    expect(await mine()).toBeGreaterThanOrEqual(10);
    for (;;) if (!(await applyRetention(testDeps(), clock.now(), { batch: 10, maxBatches: 2 })).more) break;
    expect(await mine()).toBe(0);
  });
});
