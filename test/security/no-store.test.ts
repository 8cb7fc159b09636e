import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, json, registerUser, uniqueIp } from "../helpers";
import { mfaTokenFor } from "../identity/lifecycle-fixtures";
import { turnOnTotpWithPassword } from "./fixtures";

afterEach(() => clock.reset());

function expectNoStore(response: Response, what: string) {
  expect(response.headers.get("cache-control") ?? "", what).toContain("no-store");
}

describe("finding 9: sensitive responses carry Cache-Control: no-store", () => {
  it("register, login, refresh, sessions, logout and their errors", async () => {
    const email = `nostore-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const password = `a fine password ${Math.random()}`;
    const register = await api("/v1/auth/register", { body: { email, password, displayName: "No Store" }, ip: uniqueIp() });
    expectNoStore(register, "register");
    const tokens = await json(register);
    const loginResponse = await api("/v1/auth/login", { body: { email, password }, ip: uniqueIp() });
    expectNoStore(loginResponse, "login");
    expectNoStore(await api("/v1/auth/login", { body: { email, password: "wrong password" }, ip: uniqueIp() }), "failed login");
    const refreshed = await api("/v1/auth/refresh", { body: { refreshToken: tokens.refreshToken } });
    expectNoStore(refreshed, "refresh");
    const pair = await json(refreshed);
    expectNoStore(await api("/v1/auth/refresh", { body: { refreshToken: "nope" } }), "failed refresh");
    expectNoStore(await api("/v1/auth/sessions", { token: pair.accessToken }), "sessions");
    expectNoStore(await api("/v1/auth/logout", { method: "POST", token: pair.accessToken }), "logout");
  });

  it("MFA login, TOTP setup, realtime tickets and the data export", async () => {
    const user = await registerUser();
    const setup = await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } });
    expectNoStore(setup, "totp setup");
    expectNoStore(await api("/v1/realtime/tickets", { method: "POST", token: user.accessToken }), "ticket");
    expectNoStore(await api("/v1/me/export", { token: user.accessToken }), "export");
    expectNoStore(await api("/v1/me", { token: user.accessToken }), "me");

    const mfaUser = await registerUser();
    await turnOnTotpWithPassword(mfaUser);
    const challenge = await api("/v1/auth/login", { body: { email: mfaUser.email, password: mfaUser.password }, ip: mfaUser.ip });
    expect(challenge.status).toBe(401);
    expectNoStore(challenge, "mfa_required");
    const mfaToken = await mfaTokenFor(mfaUser);
    expectNoStore(await api("/v1/auth/login/mfa", { body: { mfaToken, code: "000000" } }), "login/mfa");
  });
});
