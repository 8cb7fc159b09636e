import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { approvedVideo, auditOf, moderator, trustedReporter } from "./fixtures";

const report = (id: string, token: string, body: unknown = { category: "spam", text: "buy now" }) => api(`/v1/videos/${id}/reports`, { token, body });

describe("POST /v1/videos/:id/reports", () => {
  it("stores one report per user per video; a second is 409 already_reported", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const reporter = await registerUser();
    const first = await report(id, reporter.accessToken);
    expect(first.status).toBe(201);
    expect(await json(first)).toMatchObject({ videoId: id, userId: reporter.id, category: "spam", text: "buy now" });
    await expectProblem(await report(id, reporter.accessToken, { category: "abuse" }), 409, "already_reported");
    expect((await json(await api(`/v1/videos/${id}`))).reportCount).toBe(1);
  });

  it("concurrent reports by one user count once", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const reporter = await registerUser();
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => report(id, reporter.accessToken)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    expect((await json(await api(`/v1/videos/${id}`))).reportCount).toBe(1);
  });

  it("the third report that counts hides the video until a moderator reviews it; moderators see the reports with the video", async () => {
    const owner = await registerUser();
    const { id, moderator: mod } = await approvedVideo(owner);
    const reporters = [await trustedReporter(), await trustedReporter(), await trustedReporter()];
    for (const [i, reporter] of reporters.entries()) {
      expect((await report(id, reporter.accessToken, { category: "abuse", text: `report ${i}` })).status).toBe(201);
      expect((await api(`/v1/videos/${id}`)).status).toBe(i < 2 ? 200 : 404);
    }
    const mine = await json(await api(`/v1/videos/${id}`, { token: owner.accessToken }));
    expect(mine).toMatchObject({ hiddenByReports: true, reportCount: 3, status: "approved" });
    expect((await auditOf(id)).map((e) => e.type)).toContain("video.hidden_by_reports");

    const queue = await json(await api("/v1/moderation/videos?hidden=true&limit=100", { token: mod.accessToken }));
    const item = queue.items.find((v: any) => v.id === id);
    expect(item.reports.map((r: any) => r.text).sort()).toEqual(["report 0", "report 1", "report 2"]);

    const reviewer = await moderator();
    expect((await json(await api(`/v1/videos/${id}/approve`, { method: "POST", token: reviewer.accessToken }))).hiddenByReports).toBe(false);
    expect((await api(`/v1/videos/${id}`)).status).toBe(200);
    expect((await auditOf(id)).map((e) => e.type)).toContain("video.reviewed");
    // A new round of reports counts from the review on.
    expect((await report(id, (await trustedReporter()).accessToken)).status).toBe(201);
    expect((await api(`/v1/videos/${id}`)).status).toBe(200);
  });

  it("is 401 without a token, 404 for a video the reporter cannot see, 403 for one's own, 400 for a bad body", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const reporter = await registerUser();
    await expectProblem(await api(`/v1/videos/${id}/reports`, { body: { category: "spam" } }), 401);
    await expectProblem(await report("no-such-video", reporter.accessToken), 404);
    await expectProblem(await report(id, owner.accessToken), 403);
    await expectProblem(await report(id, reporter.accessToken, { category: "boring" }), 400, "invalid_body");
    await expectProblem(await report(id, reporter.accessToken, { category: "spam", text: "x".repeat(2001) }), 400, "invalid_body");
  });
});
