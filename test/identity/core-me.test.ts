import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";

describe("GET /v1/me", () => {
  it("returns the current user without secrets", async () => {
    const user = await registerUser();
    const response = await api("/v1/me", { token: user.accessToken });
    expect(response.status).toBe(200);
    const { user: body } = await json(response);
    expect(body).toMatchObject({ id: user.id, email: user.email, displayName: user.displayName, role: "user", emailVerified: false });
    expect(Object.keys(body)).not.toContain("passwordHash");
  });

  it("needs a token", async () => {
    await expectProblem(await api("/v1/me"), 401, "unauthorized");
  });
});

describe("PATCH /v1/me", () => {
  it("changes display name and profile fields", async () => {
    const user = await registerUser();
    const patch = { displayName: "Grace", bio: "Compilers.", avatarUrl: "https://cdn.example/g.png", locale: "en-GB", timezone: "Europe/London" };
    const response = await api("/v1/me", { method: "PATCH", token: user.accessToken, body: patch });
    expect(response.status).toBe(200);
    expect((await json(response)).user).toMatchObject(patch);
    const again = await json(await api("/v1/me", { token: user.accessToken }));
    expect(again.user).toMatchObject(patch);
  });

  it("clears nullable fields with null", async () => {
    const user = await registerUser();
    await api("/v1/me", { method: "PATCH", token: user.accessToken, body: { bio: "x" } });
    const response = await api("/v1/me", { method: "PATCH", token: user.accessToken, body: { bio: null } });
    expect((await json(response)).user.bio).toBeNull();
  });

  it.each([
    ["an empty display name", { displayName: "  " }],
    ["a javascript: avatar", { avatarUrl: "javascript:alert(1)" }],
    ["an unknown time zone", { timezone: "Mars/Olympus" }],
    ["a bad locale", { locale: "not a locale" }],
    ["a field that is not a profile field", { role: "admin" }],
    ["nothing to change", {}],
  ])("refuses %s with 400", async (_label, body) => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me", { method: "PATCH", token: user.accessToken, body }), 400, "invalid_body");
    expect((await json(await api("/v1/me", { token: user.accessToken }))).user.role).toBe("user");
  });

  it("needs a token", async () => {
    await expectProblem(await api("/v1/me", { method: "PATCH", body: { displayName: "X" } }), 401);
  });
});
