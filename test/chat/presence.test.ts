import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { HubPresence } from "../../shared/chat/presence";
import { testDeps } from "../kit/deps";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { connectHub } from "./fixtures";

/** Issue 26: online and last seen from the user hub, between people who share a chat, with a privacy setting. */

interface Presence {
  visible: boolean;
  online?: boolean;
  lastSeenAt?: string | null;
}

const presence = async (viewer: TestUser, of: TestUser) => json<Presence>(await api(`/v1/users/${of.id}/presence`, { token: viewer.accessToken }));
const share = async (a: TestUser, b: TestUser) =>
  expect((await api("/v1/chats", { token: a.accessToken, body: { type: "direct", userId: b.id } })).status).toBeLessThan(300);
const hide = async (user: TestUser, value: "chats" | "nobody") =>
  expect((await api("/v1/me", { method: "PATCH", token: user.accessToken, body: { presenceVisibility: value } })).status).toBe(200);

describe("GET /v1/users/:id/presence", () => {
  it("online while a device has the app open; last seen when the last one closes", async () => {
    const [ann, ben] = [await registerUser(), await registerUser()];
    await share(ann, ben);
    expect(await presence(ann, ben)).toEqual({ visible: true, online: false, lastSeenAt: null });
    const phone = await connectHub(ben);
    const laptop = await connectHub(ben);
    expect(await presence(ann, ben)).toMatchObject({ visible: true, online: true });
    phone.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await presence(ann, ben)).toMatchObject({ online: true, lastSeenAt: null });
    const closedAt = Date.now();
    laptop.close();
    await vi.waitFor(async () => {
      const seen = await presence(ann, ben);
      expect(seen.online).toBe(false);
      expect(Date.parse(seen.lastSeenAt!)).toBeGreaterThanOrEqual(closedAt - 1000);
    });
  });

  it("hidden from strangers, from everyone when the person chose nobody, and from whoever hides their own", async () => {
    const [ann, ben, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    await share(ann, ben);
    expect(await presence(stranger, ben)).toEqual({ visible: false });
    await hide(ben, "nobody");
    expect(await presence(ann, ben)).toEqual({ visible: false });
    // One's own stays visible to oneself.
    expect((await presence(ben, ben)).visible).toBe(true);
    await hide(ben, "chats");
    await hide(ann, "nobody");
    expect(await presence(ann, ben)).toEqual({ visible: false });
    const me = await json<{ user: { presenceVisibility: string } }>(await api("/v1/me", { token: ann.accessToken }));
    expect(me.user.presenceVisibility).toBe("nobody");
  });

  it("401 without a token, 404 for an unknown account, 400 for a malformed id or setting", async () => {
    const ann = await registerUser();
    await expectProblem(await api(`/v1/users/${ann.id}/presence`), 401);
    await expectProblem(await api("/v1/users/0190aaaa-0000-7000-8000-000000000000/presence", { token: ann.accessToken }), 404, "not_found");
    await expectProblem(await api(`/v1/users/${"x".repeat(300)}/presence`, { token: ann.accessToken }), 400);
    await expectProblem(await api("/v1/me", { method: "PATCH", token: ann.accessToken, body: { presenceVisibility: "everyone" } }), 400);
  });
});

describe("the online flag a user's hub keeps in D1 (who a chat list update can reach)", () => {
  const onlineSince = async (userId: string) =>
    (await env.DB.prepare("SELECT online_since AS since FROM users WHERE id = ?").bind(userId).first<{ since: number | null }>())?.since ?? null;

  it("is set while a hub socket is open and cleared with the last one", async () => {
    const user = await registerUser();
    expect(await onlineSince(user.id)).toBeNull();
    const hub = await connectHub(user);
    expect(await onlineSince(user.id)).not.toBeNull();
    hub.close();
    await vi.waitFor(async () => expect(await onlineSince(user.id)).toBeNull());
  });

  it("ends as the last call asked, whichever write would finish first: a close and a connect racing leave it online", async () => {
    const user = await registerUser();
    const presence = new HubPresence(testDeps(), user.id);
    await Promise.all([presence.online(), presence.offline(), presence.online()]);
    expect(await onlineSince(user.id)).not.toBeNull();
    await Promise.all([presence.offline(), presence.online(), presence.offline()]);
    expect(await onlineSince(user.id)).toBeNull();
  });

  it("a hub with no socket clears a flag left behind without touching last seen", async () => {
    const user = await registerUser();
    await new HubPresence(testDeps(), user.id).online();
    // A later instance (the hub woke after its sockets went without a close event) finds none open.
    await new HubPresence(testDeps(), user.id).noDevices();
    expect(await onlineSince(user.id)).toBeNull();
    const row = await env.DB.prepare("SELECT last_seen_at AS seen FROM users WHERE id = ?").bind(user.id).first<{ seen: number | null }>();
    expect(row?.seen).toBeNull();
  });
});
