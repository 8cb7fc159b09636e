import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, login, registerUser } from "../helpers";
import { mfaTokenFor } from "../identity/lifecycle-fixtures";
import { waitForMail } from "../kit/mailbox";
import { limitVar, newAdmin, turnOnTotpWithPassword } from "./fixtures";

afterEach(() => clock.reset());

const setup = (token: string, body?: unknown) => api("/v1/auth/2fa/totp/setup", { method: "POST", token, body });

describe("finding 4: 2FA setup needs the password; admins can reset 2FA", () => {
  it("setup without the password is 400, with a wrong one 403 invalid_password, with the right one 200", async () => {
    const user = await registerUser();
    await expectProblem(await setup(user.accessToken), 400, "invalid_body");
    await expectProblem(await setup(user.accessToken, {}), 400, "invalid_body");
    await expectProblem(await setup(user.accessToken, { password: "not my password" }), 403, "invalid_password");
    const ok = await setup(user.accessToken, { password: user.password });
    expect(ok.status).toBe(200);
    expect((await json(ok)).secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it("wrong setup passwords count toward the password-check limit", async () => {
    const user = await registerUser();
    const { limit } = limitVar("RATE_LIMIT_PASSWORD_CHECKS_PER_USER", { limit: 10, windowSeconds: 900 });
    for (let i = 0; i < limit; i++) await expectProblem(await setup(user.accessToken, { password: "not my password" }), 403, "invalid_password");
    await expectProblem(await setup(user.accessToken, { password: user.password }), 429, "rate_limited");
  });

  it("POST /v1/admin/users/:id/2fa/reset turns 2FA off, is audit logged and mails the user", async () => {
    const user = await registerUser();
    await turnOnTotpWithPassword(user);
    await mfaTokenFor(user);
    const admin = await newAdmin();
    const reset = await api(`/v1/admin/users/${user.id}/2fa/reset`, { method: "POST", token: admin.accessToken });
    expect(reset.status, await reset.clone().text()).toBe(200);
    expect((await json(reset)).user.id).toBe(user.id);
    expect((await login(user)).status).toBe(200);
    const events = await json(await api(`/v1/admin/audit-events?userId=${user.id}&limit=100`, { token: admin.accessToken }));
    expect(events.items.map((e: { type: string }) => e.type)).toContain("2fa.reset_by_admin");
    await waitForMail(user.email, /two-factor/i);
    // Nothing left to reset.
    await expectProblem(await api(`/v1/admin/users/${user.id}/2fa/reset`, { method: "POST", token: admin.accessToken }), 409, "totp_not_enabled");
  });

  it("admin 2FA reset: 401 without a token, 403 for a non-admin, 404 for an unknown user", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/admin/users/${user.id}/2fa/reset`, { method: "POST" }), 401);
    await expectProblem(await api(`/v1/admin/users/${user.id}/2fa/reset`, { method: "POST", token: user.accessToken }), 403, "forbidden");
    const admin = await newAdmin();
    await expectProblem(await api("/v1/admin/users/no-such-user/2fa/reset", { method: "POST", token: admin.accessToken }), 404);
  });

  it("the reset is documented in the OpenAPI document", async () => {
    const doc = await json(await api("/openapi.json"));
    expect(doc.paths["/v1/admin/users/{id}/2fa/reset"]?.post).toBeDefined();
    const schema = doc.paths["/v1/auth/2fa/totp/setup"].post.requestBody.content["application/json"].schema;
    const resolved = schema.$ref ? doc.components.schemas[String(schema.$ref).split("/").pop()!] : schema;
    expect(resolved.required).toContain("password");
  });
});
