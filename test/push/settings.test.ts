import { describe, expect, it } from "vitest";
import { inQuietHours, localMinutes, mentions } from "../../shared/push/preferences";
import type { NotificationSettingsRecord } from "../../shared/push/records";
import { api, expectProblem, json, registerUser } from "../helpers";
import { openGroup } from "../chat/fixtures";

describe("GET /v1/me/notification-settings", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/me/notification-settings"), 401, "unauthorized");
  });

  it("defaults: content shown, no quiet hours, nobody allowed through", async () => {
    const user = await registerUser();
    expect(await json(await api("/v1/me/notification-settings", { token: user.accessToken }))).toEqual({
      content: "full",
      quietHours: null,
      callsAllowedFrom: [],
    });
  });
});

describe("PATCH /v1/me/notification-settings", () => {
  const patch = (token: string | undefined, body: unknown) => api("/v1/me/notification-settings", { method: "PATCH", token, body });

  it("needs a token", async () => {
    await expectProblem(await patch(undefined, { content: "none" }), 401, "unauthorized");
  });

  it("changes what is sent; quiet hours default to the profile's time zone; null turns them off", async () => {
    const user = await registerUser();
    expect((await api("/v1/me", { method: "PATCH", token: user.accessToken, body: { timezone: "Europe/Berlin" } })).status).toBe(200);
    const changed = await patch(user.accessToken, { content: "none", quietHours: { start: "22:30", end: "07:00" }, callsAllowedFrom: ["u1", "u1", "u2"] });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toEqual({
      content: "none",
      quietHours: { start: "22:30", end: "07:00", timezone: "Europe/Berlin" },
      callsAllowedFrom: ["u1", "u2"],
    });
    expect(await json(await patch(user.accessToken, { quietHours: null }))).toEqual({ content: "none", quietHours: null, callsAllowedFrom: ["u1", "u2"] });
    expect(await json(await api("/v1/me/notification-settings", { token: user.accessToken }))).toMatchObject({ content: "none", quietHours: null });
  });

  it.each([
    ["an empty patch", {}],
    ["an unknown field", { sound: "bell" }],
    ["an unknown content mode", { content: "some" }],
    ["a time that is not HH:MM", { quietHours: { start: "7pm", end: "07:00" } }],
    ["start equal to end", { quietHours: { start: "07:00", end: "07:00" } }],
    ["an unknown time zone", { quietHours: { start: "22:00", end: "07:00", timezone: "Mars/Olympus" } }],
    ["callsAllowedFrom that is not a list", { callsAllowedFrom: "everyone" }],
  ])("refuses %s: 400 invalid_body", async (_, body) => {
    const user = await registerUser();
    await expectProblem(await patch(user.accessToken, body), 400, "invalid_body");
  });
});

describe("GET and PUT /v1/chats/:id/notifications", () => {
  const put = (token: string | undefined, chatId: string, body: unknown) => api(`/v1/chats/${chatId}/notifications`, { method: "PUT", token, body });

  it("needs a token", async () => {
    await expectProblem(await put(undefined, "general", { level: "all" }), 401, "unauthorized");
    await expectProblem(await api("/v1/chats/general/notifications"), 401, "unauthorized");
  });

  it("a member sets and reads the level; a group's default is all", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    expect(await json(await api(`/v1/chats/${chat.id}/notifications`, { token: bob.accessToken }))).toEqual({
      chatId: chat.id,
      level: "all",
      mutedUntil: null,
    });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const response = await put(bob.accessToken, chat.id, { level: "mentions", mutedUntil: until });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ chatId: chat.id, level: "mentions", mutedUntil: until });
    expect(await json(await api(`/v1/chats/${chat.id}/notifications`, { token: bob.accessToken }))).toEqual({
      chatId: chat.id,
      level: "mentions",
      mutedUntil: until,
    });
    expect(await json(await api(`/v1/chats/${chat.id}/notifications`, { token: alice.accessToken }))).toMatchObject({ level: "all" });
  });

  it("someone else's chat, or one that does not exist, is 404", async () => {
    const [alice, bob, eve] = [await registerUser(), await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    await expectProblem(await put(eve.accessToken, chat.id, { level: "off" }), 404, "not_found");
    await expectProblem(await api(`/v1/chats/${chat.id}/notifications`, { token: eve.accessToken }), 404, "not_found");
    await expectProblem(await put(eve.accessToken, "no-such-chat", { level: "off" }), 404, "not_found");
  });

  it.each([
    ["no level", {}],
    ["an unknown level", { level: "loud" }],
    ["mutedUntil that is not a date", { level: "all", mutedUntil: "tomorrow" }],
    ["an unknown field", { level: "all", sound: "bell" }],
  ])("refuses %s: 400 invalid_body", async (_, body) => {
    const user = await registerUser();
    await expectProblem(await put(user.accessToken, "general", body), 400, "invalid_body");
  });
});

describe("preferences", () => {
  const settings = (quietStart: number | null, quietEnd: number | null, timezone = "UTC"): NotificationSettingsRecord => ({
    userId: "u",
    content: "full",
    quietStart,
    quietEnd,
    timezone,
    callsAllowedFrom: "[]",
    updatedAt: new Date(0),
  });
  const at = (iso: string) => Date.parse(iso);

  it("quiet hours are read in the user's time zone, across midnight too", () => {
    expect(localMinutes(at("2026-01-15T21:30:00Z"), "Europe/Berlin")).toBe(22 * 60 + 30);
    const night = settings(22 * 60, 7 * 60, "Europe/Berlin");
    expect(inQuietHours(night, at("2026-01-15T21:30:00Z"))).toBe(true);
    expect(inQuietHours(night, at("2026-01-16T05:59:00Z"))).toBe(true);
    expect(inQuietHours(night, at("2026-01-16T06:00:00Z"))).toBe(false);
    expect(inQuietHours(settings(13 * 60, 14 * 60), at("2026-01-16T13:10:00Z"))).toBe(true);
    expect(inQuietHours(settings(null, null), at("2026-01-16T13:10:00Z"))).toBe(false);
  });

  it("a mention is @ and the display name, any case, not inside a longer word", () => {
    expect(mentions("hi @Anna Maria!", "Anna Maria")).toBe(true);
    expect(mentions("@anna", "Anna")).toBe(true);
    expect(mentions("@Annabel", "Anna")).toBe(false);
    expect(mentions("anna", "Anna")).toBe(false);
    expect(mentions("@Annabel and @anna.", "Anna")).toBe(true);
  });
});
