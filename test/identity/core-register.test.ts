import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { register } from "../../shared/identity/account/registration";
import { accountModules } from "../../workers/modules";
import { passwordProblem } from "../../shared/identity/credentials/passwords";
import { api, expectProblem, json, registerUser, unique, uniqueIp } from "../helpers";
import { createInvite } from "../kit/users";
import { testDeps } from "../kit/deps";

const client = () => ({ ip: uniqueIp(), userAgent: "vitest" });

describe("POST /v1/auth/register", () => {
  it("creates a user and a first session", async () => {
    const email = `Ada.${unique()}@Example.com`;
    const response = await api("/v1/auth/register", { body: { email, password: "analytical engine 1843", displayName: " Ada " }, ip: uniqueIp() });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.user).toMatchObject({ email, displayName: "Ada", emailVerified: false, role: "user" });
    expect(body.user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(body.expiresIn).toBe(900);
    expect(body.accessToken.split(".")).toHaveLength(3);
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(43);
    expect(JSON.stringify(body.user)).not.toMatch(/argon|hash|password/i);
  });

  it("treats e-mail addresses case-insensitively: a second account is 409 email_taken", async () => {
    const user = await registerUser();
    const response = await api("/v1/auth/register", {
      body: { email: user.email.toUpperCase(), password: "another good password", displayName: "Twin" },
      ip: uniqueIp(),
    });
    await expectProblem(response, 409, "email_taken");
  });

  it.each([
    ["too short", "short1!"],
    ["too long", "x".repeat(129)],
    ["common", "Password123"],
    ["the e-mail itself", "SAME-AS-EMAIL@example.com"],
  ])("refuses a password that is %s with 400 weak_password", async (_label, password) => {
    const email = password.includes("@") ? password.toLowerCase() : `weak-${unique()}@example.com`;
    const response = await api("/v1/auth/register", { body: { email, password, displayName: "Weak" }, ip: uniqueIp() });
    const problem = await expectProblem(response, 400, "weak_password");
    expect(problem.errors[0].path).toBe("password");
  });

  it("counts characters, not bytes, for the length rules", () => {
    expect(passwordProblem("пароль-из-юникода")).toBeNull();
    expect(passwordProblem("😀😀😀😀😀😀😀")).toMatch(/at least 8/);
  });

  it("rejects malformed bodies with field errors", async () => {
    const problem = await expectProblem(
      await api("/v1/auth/register", { body: { email: "nope", password: "long enough password", displayName: "" }, ip: uniqueIp() }),
      400,
      "invalid_body",
    );
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(["displayName", "email"]);
  });

  it("limits registrations per IP with 429 and Retry-After", async () => {
    const limited = testDeps({ vars: { RATE_LIMIT_REGISTER_PER_IP: "2/300" } });
    const ip = uniqueIp();
    for (let i = 0; i < 2; i++) {
      await register(
        limited,
        { email: `ip-${unique()}@example.com`, password: "a sturdy passphrase", displayName: "N" },
        { ip, userAgent: null },
        accountModules,
      );
    }
    const error = await register(
      limited,
      { email: `ip-${unique()}@example.com`, password: "a sturdy passphrase", displayName: "N" },
      { ip, userAgent: null },
      accountModules,
    ).catch((e) => e);
    expect(error.status).toBe(429);
    expect(error.code).toBe("rate_limited");
    expect(Number(error.headers["retry-after"])).toBeGreaterThan(0);
  });
});

describe("invite-only registration", () => {
  const inviteEnv = testDeps({ vars: { REGISTRATION_MODE: "invite" } });
  const input = () => ({ email: `inv-${unique()}@example.com`, password: "invited and strong", displayName: "Invited" });

  it("refuses a registration without an invite code", async () => {
    const error = await register(inviteEnv, input(), client(), accountModules).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.code).toBe("invite_required");
  });

  it("accepts a valid code up to its max uses, then refuses it", async () => {
    const code = `invite-${unique()}`;
    await createInvite(code, { maxUses: 1 });
    const result = await register(inviteEnv, { ...input(), inviteCode: code }, client(), accountModules);
    expect(result.user.email).toContain("inv-");
    const error = await register(inviteEnv, { ...input(), inviteCode: code }, client(), accountModules).catch((e) => e);
    expect(error.status).toBe(403);
    expect(error.code).toBe("invalid_invite");
  });

  it("refuses expired and revoked codes", async () => {
    const expired = `expired-${unique()}`;
    const revoked = `revoked-${unique()}`;
    await createInvite(expired, { maxUses: 5, expiresAt: Date.now() - 1000 });
    await createInvite(revoked, { maxUses: 5, revokedAt: Date.now() });
    for (const inviteCode of [expired, revoked, "never-issued"]) {
      const error = await register(inviteEnv, { ...input(), inviteCode }, client(), accountModules).catch((e) => e);
      expect(error.code).toBe("invalid_invite");
    }
  });

  it("gives the use back when the e-mail turns out to be taken", async () => {
    const code = `giveback-${unique()}`;
    await createInvite(code, { maxUses: 2 });
    const first = input();
    await register(inviteEnv, { ...first, inviteCode: code }, client(), accountModules);
    await register(inviteEnv, { ...first, inviteCode: code }, client(), accountModules).catch(() => undefined);
    const row = await env.DB.prepare("SELECT uses FROM invite_codes WHERE code = ?").bind(code).first<{ uses: number }>();
    expect(row?.uses).toBe(1);
  });
});
