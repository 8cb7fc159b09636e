import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json, registerUser } from "../helpers";
import { approvedVideo, hostedVideos, videoInModeration } from "./fixtures";

describe("account export and deletion include videos", () => {
  it("the export lists the user's videos and the reports they made", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const mine = await videoInModeration(alice, { title: "Alice's" });
    const bobs = await approvedVideo(bob);
    await api(`/v1/videos/${bobs.id}/reports`, { token: alice.accessToken, body: { category: "other", text: "hmm" } });
    const exported = await json(await api("/v1/me/export", { token: alice.accessToken }));
    expect(exported.modules.video.videos).toEqual([expect.objectContaining({ id: mine.id, title: "Alice's", status: "moderation" })]);
    expect(exported.modules.video.reports).toEqual([expect.objectContaining({ videoId: bobs.id, category: "other", text: "hmm" })]);
  });

  it("deletion removes the user's videos, at Stream too, and their reports", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const mine = await videoInModeration(alice);
    const bobs = await approvedVideo(bob);
    await api(`/v1/videos/${bobs.id}/reports`, { token: alice.accessToken, body: { category: "spam" } });
    const response = await api("/v1/me", { method: "DELETE", token: alice.accessToken, body: { password: alice.password } });
    expect(response.status, await response.clone().text()).toBe(204);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM videos WHERE owner_id = ?").bind(alice.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM video_reports WHERE user_id = ?").bind(alice.id).first("n")).toBe(0);
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      gone = !(await hostedVideos()).some((video) => video.id === mine.uid);
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);
  });
});
