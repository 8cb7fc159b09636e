import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { viewerNetwork } from "../../shared/video/views";
import { api, expectProblem, json, registerUser } from "../helpers";
import { approvedVideo, videoInModeration } from "./fixtures";

afterEach(() => clock.reset());

const view = (id: string, options: { token?: string; ip?: string; userAgent?: string } = {}) =>
  api(`/v1/videos/${id}/views`, {
    method: "POST",
    token: options.token,
    ip: options.ip,
    headers: options.userAgent ? { "user-agent": options.userAgent } : {},
  });

async function flush(id: string) {
  await runDurableObjectAlarm(env.VIDEO_VIEWS.getByName(id));
}

const d1Count = async (id: string) => (await env.DB.prepare("SELECT view_count FROM videos WHERE id = ?").bind(id).first<{ view_count: number }>())!.view_count;

describe("POST /v1/videos/:id/views", () => {
  it("20 concurrent views of one user count once; 20 users count 20", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const viewer = await registerUser();
    const same = await Promise.all(Array.from({ length: 20 }, () => view(id, { token: viewer.accessToken })));
    expect(same.every((r) => r.status === 202)).toBe(true);
    expect((await Promise.all(same.map((r) => json(r)))).filter((b) => b.counted)).toHaveLength(1);
    const users = await Promise.all(Array.from({ length: 20 }, () => registerUser()));
    const distinct = await Promise.all(users.map((user) => view(id, { token: user.accessToken })));
    expect((await Promise.all(distinct.map((r) => json(r)))).every((b) => b.counted)).toBe(true);
    await flush(id);
    expect((await json(await api(`/v1/videos/${id}`))).viewCount).toBe(21);
  });

  it("counts nothing in D1 until the flush, then the exact total; a repeated flush never counts twice", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    for (let i = 0; i < 5; i++) await view(id, { ip: `203.0.113.${i}`, userAgent: "player" });
    expect(await d1Count(id)).toBe(0);
    await flush(id);
    expect(await d1Count(id)).toBe(5);
    await flush(id);
    await env.DB.prepare("UPDATE videos SET view_count = 3 WHERE id = ?").bind(id).run();
    await view(id, { ip: "203.0.113.99", userAgent: "player" });
    await flush(id);
    expect(await d1Count(id)).toBe(6);
  });

  it("after a flush, the next counted view is flushed within the interval, not when old viewers expire", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const stub = env.VIDEO_VIEWS.getByName(id);
    const { runInDurableObject } = await import("cloudflare:test");
    const alarmAt = () => runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    await view(id, { ip: "203.0.113.1", userAgent: "a" });
    await flush(id);
    // Nothing pending: the object wakes only to forget the viewer, a day later.
    expect((await alarmAt())! - Date.now()).toBeGreaterThan(23 * 3600_000);
    await view(id, { ip: "203.0.113.2", userAgent: "b" });
    expect((await alarmAt())! - Date.now()).toBeLessThanOrEqual(10_000);
    await flush(id);
    expect(await d1Count(id)).toBe(2);
  });

  it("an anonymous viewer is their IP address, whatever the user agent, and counts again after 24 hours", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const first = await json(await view(id, { ip: "198.51.100.7", userAgent: "tv" }));
    const again = await json(await view(id, { ip: "198.51.100.7", userAgent: "tv" }));
    const otherAgent = await json(await view(id, { ip: "198.51.100.7", userAgent: "phone" }));
    const otherAddress = await json(await view(id, { ip: "198.51.100.8", userAgent: "tv" }));
    expect([first.counted, again.counted, otherAgent.counted, otherAddress.counted]).toEqual([true, false, false, true]);
    clock.advance(24 * 3600_000 + 1000);
    expect((await json(await view(id, { ip: "198.51.100.7", userAgent: "phone" }))).counted).toBe(true);
    const counts = await env.VIDEO_VIEWS.getByName(id).counts();
    expect(counts.total).toBe(3);
  });

  it("30 concurrent anonymous views from one address with 30 user agents count once; one IPv6 /64 is one viewer", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const varied = await Promise.all(Array.from({ length: 30 }, (_, i) => view(id, { ip: "203.0.113.77", userAgent: `agent-${i}` })));
    expect(varied.every((r) => r.status === 202)).toBe(true);
    expect((await Promise.all(varied.map((r) => json(r)))).filter((b) => b.counted)).toHaveLength(1);
    const sameNetwork = ["2001:db8:aa:1::1", "2001:db8:aa:1:ffff:ffff:ffff:fffe", "2001:0db8:00aa:0001:0:0:0:9", "2001:DB8:AA:1::abcd"];
    const inNetwork = await Promise.all(sameNetwork.map((ip, i) => view(id, { ip, userAgent: `v6-${i}` })));
    expect((await Promise.all(inNetwork.map((r) => json(r)))).filter((b) => b.counted)).toHaveLength(1);
    expect((await json(await view(id, { ip: "2001:db8:aa:2::1" }))).counted).toBe(true);
    // a signed-in viewer on the same address is still counted as themself
    const viewer = await registerUser();
    expect((await json(await view(id, { ip: "203.0.113.77", token: viewer.accessToken }))).counted).toBe(true);
    await flush(id);
    expect(await d1Count(id)).toBe(4);
  });

  it("groups addresses by network: IPv4 as it is, IPv6 by its /64, IPv4-mapped IPv6 as IPv4", () => {
    expect(viewerNetwork("203.0.113.5")).toBe("203.0.113.5");
    expect(viewerNetwork("2001:db8:aa:1::1")).toBe("2001:db8:aa:1::/64");
    expect(viewerNetwork("2001:0DB8:00aa:0001:1234:5678:9abc:def0")).toBe("2001:db8:aa:1::/64");
    expect(viewerNetwork("::1")).toBe("0:0:0:0::/64");
    expect(viewerNetwork("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(viewerNetwork("::ffff:198.51.100.9")).toBe("198.51.100.9");
    expect(viewerNetwork("not-an-address")).toBe("not-an-address");
    expect(viewerNetwork("1::2::3")).toBe("1::2::3");
    expect(viewerNetwork(null)).toBe("");
  });

  it("keeps no viewer address: the object stores hashes", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    await view(id, { ip: "192.0.2.55", userAgent: "secret-agent" });
    const { runInDurableObject } = await import("cloudflare:test");
    const keys = await runInDurableObject(env.VIDEO_VIEWS.getByName(id), async (_instance, state) =>
      state.storage.sql
        .exec<{ viewer: string }>("SELECT viewer FROM viewers")
        .toArray()
        .map((row) => row.viewer),
    );
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^a:[0-9a-f]{64}$/);
  });

  it("the owner's own views are never counted (as on profiles), from any device; everyone else's are", async () => {
    const owner = await registerUser();
    const { id } = await approvedVideo(owner);
    const own = await Promise.all(["203.0.113.10", "203.0.113.11", "2001:db8:bb::1"].map((ip) => view(id, { token: owner.accessToken, ip })));
    expect(own.map((r) => r.status)).toEqual([202, 202, 202]);
    expect((await Promise.all(own.map((r) => json(r)))).map((b) => b.counted)).toEqual([false, false, false]);
    expect((await env.VIDEO_VIEWS.getByName(id).counts()).total).toBe(0);
    const viewer = await registerUser();
    expect((await json(await view(id, { token: viewer.accessToken }))).counted).toBe(true);
    await flush(id);
    expect(await d1Count(id)).toBe(1);
  });

  it("is 404 for a video the viewer cannot see, 401 for a bad token", async () => {
    const owner = await registerUser();
    const { id } = await videoInModeration(owner);
    await expectProblem(await view(id), 404);
    await expectProblem(await view("no-such-video"), 404);
    await expectProblem(await view(id, { token: "bad" }), 401);
    expect((await view(id, { token: owner.accessToken })).status).toBe(202);
  });
});
