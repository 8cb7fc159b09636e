import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../shared/db/client";
import { setViewCount } from "../../shared/video/records";
import { api, json, registerUser, type TestUser } from "../helpers";
import { ageAccount, approvedVideo, auditOf, moderator, reporterMinAgeDays, trustedReporter, verifiedUser } from "../video/fixtures";

const report = (id: string, user: TestUser) => api(`/v1/videos/${id}/reports`, { token: user.accessToken, body: { category: "abuse", text: "hide it" } });
const publiclyVisible = async (id: string) => (await api(`/v1/videos/${id}`)).status === 200;
const floor = Number((env as unknown as Record<string, unknown>).VIDEO_REPORTS_TO_HIDE ?? 3);
const perThousandViews = Number((env as unknown as Record<string, unknown>).VIDEO_REPORTS_TO_HIDE_PER_THOUSAND_VIEWS ?? 5);

async function queueItem(moderatorUser: TestUser, filter: string, id: string) {
  const page = await json(await api(`/v1/moderation/videos?${filter}&limit=100`, { token: moderatorUser.accessToken }));
  return page.items.find((v: { id: string }) => v.id === id);
}

describe("video reports: automatic hiding needs reporters whose word counts", () => {
  it("fresh accounts cannot hide an approved public video, however many; moderators still see their reports", async () => {
    const owner = await registerUser();
    const { id, moderator: mod } = await approvedVideo(owner);
    const fresh = await Promise.all(Array.from({ length: floor + 2 }, () => registerUser()));
    for (const user of fresh) expect((await report(id, user)).status).toBe(201);
    expect(await publiclyVisible(id)).toBe(true);
    const item = await queueItem(mod, "reported=true", id);
    expect(item.reports).toHaveLength(floor + 2);
    expect(item.reports.every((r: { countsToHide: boolean }) => r.countsToHide === false)).toBe(true);
    expect(item.hiddenByReports).toBe(false);
  });

  it("a verified but new account, and an old but unverified one, do not count either", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const verifiedNew = await Promise.all(Array.from({ length: floor }, () => verifiedUser()));
    const oldUnverified = await Promise.all(Array.from({ length: floor }, () => registerUser()));
    for (const user of oldUnverified) await ageAccount(user, reporterMinAgeDays + 30);
    for (const user of [...verifiedNew, ...oldUnverified]) expect((await report(id, user)).status).toBe(201);
    expect(await publiclyVisible(id)).toBe(true);
  });

  it(`${floor} reporters with a verified e-mail and an account older than the minimum age hide it`, async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    for (let i = 0; i < floor; i++) {
      expect(await publiclyVisible(id)).toBe(true);
      const response = await report(id, await trustedReporter());
      expect(response.status).toBe(201);
      expect((await json(response)).countsToHide).toBe(true);
    }
    expect(await publiclyVisible(id)).toBe(false);
    const hidden = (await auditOf(id)).find((e) => e.type === "video.hidden_by_reports");
    expect(hidden?.detail.reason).toContain(`${floor} reports`);
  });

  it("on a much-viewed video the reports that count must be in proportion to its views", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const views = 2000;
    await setViewCount(createDatabase(env.DB), id, views);
    const needed = Math.max(floor, Math.ceil((views * perThousandViews) / 1000));
    expect(needed).toBeGreaterThan(floor);
    for (let i = 0; i < needed - 1; i++) expect((await report(id, await trustedReporter())).status).toBe(201);
    expect(await publiclyVisible(id)).toBe(true);
    expect((await report(id, await trustedReporter())).status).toBe(201);
    expect(await publiclyVisible(id)).toBe(false);
  });

  it("a moderator's report hides it at once", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const response = await report(id, await moderator());
    expect(response.status).toBe(201);
    expect((await json(response)).countsToHide).toBe(true);
    expect(await publiclyVisible(id)).toBe(false);
  });
});
