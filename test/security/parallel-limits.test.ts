import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, login, registerUser, uniqueIp } from "../helpers";
import { mfaTokenFor, totpCode } from "../identity/lifecycle-fixtures";
import { inParallel, limitVar, turnOnTotpWithPassword } from "./fixtures";

afterEach(() => clock.reset());

const loginFailures = () => limitVar("RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL", { limit: 10, windowSeconds: 900 });
const mfaFailures = () => limitVar("RATE_LIMIT_MFA_FAILURES_PER_USER", { limit: 5, windowSeconds: 300 });
const passwordChecks = () => limitVar("RATE_LIMIT_PASSWORD_CHECKS_PER_USER", { limit: 10, windowSeconds: 900 });

describe("finding 2: brute-force limits take their slot before the secret is checked", () => {
  it("40 parallel wrong passwords for one e-mail from rotating IPs: at most the limit are checked", async () => {
    const user = await registerUser();
    const tally = await inParallel(40, () => login({ ...user, password: "wrong password", ip: uniqueIp() }));
    expect(tally["401 invalid_credentials"] ?? 0).toBeLessThanOrEqual(loginFailures().limit);
    expect(tally["429 rate_limited"] ?? 0).toBeGreaterThanOrEqual(40 - loginFailures().limit);
    expect(Object.keys(tally).sort()).toEqual(["401 invalid_credentials", "429 rate_limited"]);
    // The checked ones counted: one more wrong password at most, then even the right one is refused.
    const checked = tally["401 invalid_credentials"] ?? 0;
    if (checked < loginFailures().limit) await expectProblem(await login({ ...user, password: "wrong password", ip: uniqueIp() }), 401, "invalid_credentials");
    await expectProblem(await login({ ...user, ip: uniqueIp() }), 429, "rate_limited");
  });

  it("the lockout streak holds under parallel attempts: once a failure would lock, only one attempt is checked", async () => {
    const user = await registerUser();
    for (let i = 0; i < loginFailures().limit; i++) await login({ ...user, password: "wrong password", ip: uniqueIp() });
    // The rate window passes and the first lock (1 min) expires; the streak stays.
    clock.advance(16 * 60_000);
    const tally = await inParallel(20, () => login({ ...user, password: "wrong password", ip: uniqueIp() }));
    expect(tally["401 invalid_credentials"]).toBe(1);
    expect(tally["429 rate_limited"]).toBe(19);
    await expectProblem(await login({ ...user, ip: uniqueIp() }), 429, "rate_limited");
  });

  it("a correct password gives its slot back: successes do not count toward the failure limit", async () => {
    const user = await registerUser();
    for (let i = 0; i < loginFailures().limit + 2; i++) expect((await login({ ...user, ip: uniqueIp() })).status).toBe(200);
    for (let i = 0; i < loginFailures().limit - 1; i++)
      await expectProblem(await login({ ...user, password: "wrong password", ip: uniqueIp() }), 401, "invalid_credentials");
    expect((await login({ ...user, ip: uniqueIp() })).status).toBe(200);
  });

  it("30 parallel wrong TOTP codes on one mfaToken: at most the limit are checked", async () => {
    const user = await registerUser();
    const secret = await turnOnTotpWithPassword(user);
    const mfaToken = await mfaTokenFor(user);
    const right = totpCode(secret);
    const wrong = (i: number) => {
      const code = String((Number(right) + 1 + i * 7) % 1_000_000).padStart(6, "0");
      return code === right || code === totpCode(secret, -1) || code === totpCode(secret, 1) ? "000000" : code;
    };
    const tally = await inParallel(30, (i) => api("/v1/auth/login/mfa", { body: { mfaToken, code: wrong(i) } }));
    expect(tally["401 invalid_mfa_code"] ?? 0).toBeLessThanOrEqual(mfaFailures().limit);
    expect(tally["429 rate_limited"] ?? 0).toBeGreaterThanOrEqual(30 - mfaFailures().limit);
  });

  it.each([
    ["2FA disable", "/v1/auth/2fa/totp/disable", "POST", (password: string) => ({ password })],
    ["account deletion", "/v1/me", "DELETE", (password: string) => ({ password })],
    ["password change", "/v1/auth/password/change", "POST", (password: string) => ({ currentPassword: password, newPassword: "a brand new long password" })],
  ] as const)("parallel wrong passwords confirming %s: at most the limit are checked", async (_action, path, method, body) => {
    const user = await registerUser();
    if (path.includes("2fa")) await turnOnTotpWithPassword(user);
    const tally = await inParallel(25, () => api(path, { method, token: user.accessToken, body: body("wrong password") }));
    expect(tally["403 invalid_password"] ?? 0).toBeLessThanOrEqual(passwordChecks().limit);
    expect(tally["429 rate_limited"] ?? 0).toBeGreaterThanOrEqual(25 - passwordChecks().limit);
  });
});
