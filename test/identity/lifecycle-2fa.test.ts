import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, login, registerUser } from "../helpers";
import { mfaTokenFor, totpCode, turnOnTotp } from "./lifecycle-fixtures";

afterEach(() => clock.reset());

describe("POST /v1/auth/2fa/totp/setup", () => {
  it("returns a base32 secret, an otpauth URL and an SVG QR code", async () => {
    const user = await registerUser();
    const response = await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(body.otpauthUrl).toContain(`secret=${body.secret}`);
    expect(body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });

  it("does not turn 2FA on by itself: login still works with the password alone", async () => {
    const user = await registerUser();
    await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } });
    expect((await login(user)).status).toBe(200);
  });

  it("is 409 once 2FA is on, and 401 without a token", async () => {
    const user = await registerUser();
    await turnOnTotp(user);
    await expectProblem(await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } }), 409, "totp_already_enabled");
    await expectProblem(await api("/v1/auth/2fa/totp/setup", { body: { password: "whatever it is" } }), 401);
  });
});

describe("POST /v1/auth/2fa/totp/enable", () => {
  it("turns 2FA on with a valid code and returns 10 distinct backup codes", async () => {
    const user = await registerUser();
    const { backupCodes } = await turnOnTotp(user);
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    for (const code of backupCodes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    const stored = await env.DB.prepare("SELECT code_hash FROM backup_codes WHERE user_id = ?").bind(user.id).all<{ code_hash: string }>();
    expect(stored.results).toHaveLength(10);
    for (const row of stored.results) expect(backupCodes).not.toContain(row.code_hash);
  });

  it("refuses a wrong code with 400 and leaves 2FA off", async () => {
    const user = await registerUser();
    const setup = await json(await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } }));
    const wrong = totpCode(setup.secret) === "000000" ? "111111" : "000000";
    await expectProblem(await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: wrong } }), 400, "invalid_code");
    expect((await login(user)).status).toBe(200);
  });

  it("before setup is 409; a malformed code is 400; no token is 401", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: "123456" } }), 409, "totp_not_set_up");
    await expectProblem(await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: "12ab" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/2fa/totp/enable", { body: { code: "123456" } }), 401);
  });

  it("wrong codes are rate limited", async () => {
    const user = await registerUser();
    const setup = await json(await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } }));
    const wrong = totpCode(setup.secret) === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await expectProblem(await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: wrong } }), 400);
    await expectProblem(await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: totpCode(setup.secret) } }), 429, "rate_limited");
  });
});

describe("login with 2FA", () => {
  it("a correct password gives 401 mfa_required with an mfaToken, and /login/mfa with a TOTP code finishes", async () => {
    const user = await registerUser();
    const { secret } = await turnOnTotp(user);
    const mfaToken = await mfaTokenFor(user);
    const response = await api("/v1/auth/login/mfa", { body: { mfaToken, code: totpCode(secret) }, ip: user.ip, headers: { "user-agent": "vitest" } });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.user.id).toBe(user.id);
    expect((await api("/v1/me", { token: body.accessToken })).status).toBe(200);
  });

  it("a wrong password is still plain invalid_credentials, without an mfaToken", async () => {
    const user = await registerUser();
    await turnOnTotp(user);
    const problem = await expectProblem(await login({ ...user, password: "not the password" }), 401, "invalid_credentials");
    expect(problem.mfaToken).toBeUndefined();
  });

  it("a TOTP code is accepted only once (replay)", async () => {
    const user = await registerUser();
    const { secret } = await turnOnTotp(user);
    const code = totpCode(secret);
    const first = await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code }, ip: user.ip });
    expect(first.status).toBe(200);
    const replay = await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code }, ip: user.ip });
    await expectProblem(replay, 401, "invalid_mfa_code");
  });

  it("an older code than the last accepted one is refused, the next step's code works", async () => {
    const user = await registerUser();
    const { secret } = await turnOnTotp(user);
    const previous = totpCode(secret, -1);
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code: totpCode(secret) }, ip: user.ip })).status).toBe(200);
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code: previous }, ip: user.ip }), 401, "invalid_mfa_code");
    clock.advance(30_000);
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code: totpCode(secret) }, ip: user.ip })).status).toBe(200);
  });

  it("a backup code works once", async () => {
    const user = await registerUser();
    const { backupCodes } = await turnOnTotp(user);
    const code = backupCodes[3]!;
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code: code.toUpperCase() }, ip: user.ip })).status).toBe(200);
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code }, ip: user.ip }), 401, "invalid_mfa_code");
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken: await mfaTokenFor(user), code: backupCodes[4]! }, ip: user.ip })).status).toBe(200);
  });

  it("an mfaToken is spent on success and cannot log in twice", async () => {
    const user = await registerUser();
    const { secret, backupCodes } = await turnOnTotp(user);
    const mfaToken = await mfaTokenFor(user);
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken, code: totpCode(secret) }, ip: user.ip })).status).toBe(200);
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken, code: backupCodes[0]! }, ip: user.ip }), 401, "invalid_mfa_token");
  });

  it("an mfaToken expires after 5 minutes", async () => {
    const user = await registerUser();
    const { backupCodes } = await turnOnTotp(user);
    const mfaToken = await mfaTokenFor(user);
    clock.advance(5 * 60_000 + 1000);
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken, code: backupCodes[0]! }, ip: user.ip }), 401, "invalid_mfa_token");
  });

  it("wrong codes count toward a limit: the 6th attempt is 429 even with a right code", async () => {
    const user = await registerUser();
    const { secret } = await turnOnTotp(user);
    const mfaToken = await mfaTokenFor(user);
    const wrong = totpCode(secret) === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken, code: wrong }, ip: user.ip }), 401, "invalid_mfa_code");
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken, code: totpCode(secret) }, ip: user.ip }), 429, "rate_limited");
  });

  it("malformed bodies are 400 and an unknown mfaToken is 401", async () => {
    await expectProblem(await api("/v1/auth/login/mfa", { body: { code: "123456" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken: "x".repeat(43), code: "123456" } }), 401, "invalid_mfa_token");
  });
});

describe("POST /v1/auth/2fa/totp/disable", () => {
  it("turns 2FA off with the password: login no longer asks for a code", async () => {
    const user = await registerUser();
    await turnOnTotp(user);
    expect((await api("/v1/auth/2fa/totp/disable", { token: user.accessToken, body: { password: user.password } })).status).toBe(204);
    expect((await login(user)).status).toBe(200);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM backup_codes WHERE user_id = ?").bind(user.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("a wrong password is 403 and 2FA stays on", async () => {
    const user = await registerUser();
    await turnOnTotp(user);
    await expectProblem(await api("/v1/auth/2fa/totp/disable", { token: user.accessToken, body: { password: "wrong password" } }), 403, "invalid_password");
    await mfaTokenFor(user);
  });

  it("is 409 when 2FA is off, 401 without a token, 400 without a password", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/auth/2fa/totp/disable", { token: user.accessToken, body: { password: user.password } }), 409, "totp_not_enabled");
    await expectProblem(await api("/v1/auth/2fa/totp/disable", { body: { password: user.password } }), 401);
    await expectProblem(await api("/v1/auth/2fa/totp/disable", { token: user.accessToken, body: {} }), 400, "invalid_body");
  });
});
