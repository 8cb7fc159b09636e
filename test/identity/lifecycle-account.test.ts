import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { exportAccount } from "../../shared/identity/account/data-export";
import { register } from "../../shared/identity/account/registration";
import { login as signInWith } from "../../shared/identity/sessions/login";
import { lockoutDelayMs } from "../../shared/identity/credentials/lockout";
import { assertVerifiedEmailFor } from "../../shared/identity/account/verified-email-policy";
import { clock } from "../../shared/clock";
import type { JobMessage } from "../../shared/env";
import worker from "../../workers/index";
import { accountModules } from "../../workers/modules";
import { acceptSocket, api, collectPages, expectProblem, json, login, registerUser, unique, uniqueIp, upgrade } from "../helpers";
import { markEmailVerified } from "../kit/users";
import { mailbox, waitForMail } from "../kit/mailbox";
import { testDeps } from "../kit/deps";
import { auditDetails } from "../kit/audit";

afterEach(() => clock.reset());

describe("GET /v1/me/security-events", () => {
  it("lists the user's own logins, failures with their reason and logouts, newest first", async () => {
    const user = await registerUser();
    await login({ ...user, password: "wrong password" });
    const session = await json(await login(user));
    await api("/v1/auth/logout", { method: "POST", token: session.accessToken });
    const response = await api("/v1/me/security-events", { token: user.accessToken });
    expect(response.status).toBe(200);
    const { items: all, nextCursor } = await json(response);
    expect(nextCursor).toBeNull();
    // The registration had no user agent, so the "vitest" login is also a new device.
    expect(all.map((e: { type: string }) => e.type)).toContain("login.new_device");
    const items = all.filter((e: { type: string }) => e.type !== "login.new_device");
    expect(items.map((e: { type: string }) => e.type)).toEqual(["logout", "login.succeeded", "login.failed", "user.registered"]);
    expect(items[2].detail).toEqual({ reason: "wrong_password" });
    expect(items[1].ip).toBe(user.ip);
    expect(items[1].userAgent).toBe("vitest");
    expect(items.every((e: { userId: string }) => e.userId === user.id)).toBe(true);
  });

  it("pages with a cursor", async () => {
    const user = await registerUser();
    for (let i = 0; i < 3; i++) await login(user);
    const whole = await json(await api("/v1/me/security-events", { token: user.accessToken }));
    const pages = await collectPages<{ id: string }>("/v1/me/security-events", { token: user.accessToken, limit: 2 });
    const ids = pages.flat().map((e) => e.id);
    expect(whole.items.length).toBeGreaterThanOrEqual(4);
    expect(pages.length).toBe(Math.ceil(whole.items.length / 2));
    expect(ids).toEqual(whole.items.map((e: { id: string }) => e.id));
  });

  it("never shows another user's events", async () => {
    const [a, b] = [await registerUser(), await registerUser()];
    await login({ ...b, password: "wrong password" });
    const { items } = await json(await api("/v1/me/security-events", { token: a.accessToken }));
    expect(items.every((e: { userId: string }) => e.userId === a.id)).toBe(true);
  });

  it("401 without a token, 400 for a bad limit or cursor", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me/security-events"), 401);
    await expectProblem(await api("/v1/me/security-events?limit=0", { token: user.accessToken }), 400, "invalid_query");
    await expectProblem(await api("/v1/me/security-events?cursor=garbage", { token: user.accessToken }), 400, "invalid_cursor");
  });
});

describe("GET /v1/me/export", () => {
  it("contains the profile, sessions, security events and every registered module section, and no secrets", async () => {
    const user = await registerUser();
    const response = await api("/v1/me/export", { token: user.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("attachment");
    const data = await json(response);
    expect(data.user).toMatchObject({ id: user.id, email: user.email });
    expect(data.sessions).toHaveLength(1);
    expect(data.securityEvents.map((e: { type: string }) => e.type)).toContain("user.registered");
    expect(data.twoFactor).toEqual({ totpEnabled: false, backupCodesRemaining: 0 });
    expect(Object.keys(data.modules)).toEqual(accountModules.filter((module) => module.exportData).map((module) => module.name));
    const withTestModule = [...accountModules, { name: "lifecycle-test", exportData: async (_env: unknown, userId: string) => ({ exportedFor: userId }) }];
    expect((await exportAccount(testDeps(), user.id, withTestModule)).modules["lifecycle-test"]).toEqual({ exportedFor: user.id });
    const text = JSON.stringify(data);
    expect(text).not.toContain("argon2");
    expect(text).not.toContain(user.refreshToken);
    expect(text).not.toContain(user.password);
  });

  it("401 without a token", async () => {
    await expectProblem(await api("/v1/me/export"), 401);
  });
});

describe("DELETE /v1/me", () => {
  it("deletes the account: tokens stop working, login fails, the e-mail can register again", async () => {
    const user = await registerUser();
    const response = await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } });
    expect(response.status).toBe(204);
    await expectProblem(await api("/v1/me", { token: user.accessToken }), 401);
    await expectProblem(await login(user), 401, "invalid_credentials");
    const rows = await env.DB.batch([
      env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE id = ?").bind(user.id),
      env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?").bind(user.id),
      env.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE user_id = ? AND type != 'account.deleted'").bind(user.id),
      env.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE user_id = ? AND type = 'account.deleted' AND ip IS NULL").bind(user.id),
    ]);
    expect(rows.map((r) => (r.results[0] as { n: number }).n)).toEqual([0, 0, 0, 1]);
    await registerUser({ email: user.email });
  });

  it("a wrong password is 403 and deletes nothing", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: "wrong password" } }), 403, "invalid_password");
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
  });

  it("401 without a token, 400 without a password", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me", { method: "DELETE", body: { password: "x" } }), 401);
    await expectProblem(await api("/v1/me", { method: "DELETE", token: user.accessToken, body: {} }), 400, "invalid_body");
  });
});

describe("account lockout", () => {
  it("grows 1, 2, 4 ... minutes from the 10th failure and caps at 60 minutes", () => {
    expect([1, 9, 10, 11, 12, 13, 16, 40].map(lockoutDelayMs)).toEqual([0, 0, 60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000]);
  });

  it("the per-e-mail limit still answers the 11th failure within 15 minutes with 429 rate_limited", async () => {
    const user = await registerUser();
    for (let i = 0; i < 10; i++) await expectProblem(await login({ ...user, password: "wrong password" }), 401, "invalid_credentials");
    await expectProblem(await login({ ...user, password: "wrong password" }), 429, "rate_limited");
  });

  it("after the rate window a further failure locks the address even for the right password, until the lock expires", async () => {
    const user = await registerUser();
    for (let i = 0; i < 10; i++) await login({ ...user, password: "wrong password" });
    clock.advance(16 * 60_000);
    await expectProblem(await login({ ...user, password: "wrong password" }), 401, "invalid_credentials");
    const locked = await login(user);
    await expectProblem(locked, 429, "rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(120);
    const mirrored = await env.DB.prepare("SELECT failed_login_count, locked_until FROM users WHERE id = ?")
      .bind(user.id)
      .first<{ failed_login_count: number; locked_until: number }>();
    expect(mirrored?.failed_login_count).toBe(11);
    expect(mirrored?.locked_until).toBeGreaterThan(clock.now());
    clock.advance(2 * 60_000 + 1000);
    expect((await login(user)).status).toBe(200);
    const row = await env.DB.prepare("SELECT failed_login_count, locked_until FROM users WHERE id = ?").bind(user.id).first();
    expect(row).toEqual({ failed_login_count: 0, locked_until: null });
  });

  it("an address without an account locks and answers exactly like one with an account", async () => {
    const user = await registerUser();
    const ghost = `ghost-${unique()}@example.com`;
    for (const email of [user.email, ghost]) {
      for (let i = 0; i < 10; i++) await login({ email, password: "wrong password", ip: uniqueIp() });
    }
    clock.advance(16 * 60_000);
    const answers = [];
    for (const email of [user.email, ghost]) {
      await login({ email, password: "wrong password", ip: uniqueIp() });
      const response = await login({ email, password: "wrong password", ip: uniqueIp() });
      const problem = await expectProblem(response, 429, "rate_limited");
      // Per-request ids (the request's and its trace's) differ by design.
      delete problem.requestId;
      delete problem.traceId;
      answers.push({ problem, retryAfter: response.headers.get("retry-after") });
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it("a password reset lifts a lock, so an attacker cannot keep the owner out", async () => {
    const user = await registerUser();
    for (let i = 0; i < 10; i++) await login({ ...user, password: "wrong password" });
    clock.advance(16 * 60_000);
    await login({ ...user, password: "wrong password" });
    await expectProblem(await login(user), 429, "rate_limited");
    await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp() });
    const [mail] = await waitForMail(user.email, /Reset/);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    const password = `after lock ${unique()}`;
    expect((await api("/v1/auth/password/reset", { body: { token, password } })).status).toBe(204);
    expect((await login({ ...user, password, ip: uniqueIp() })).status).toBe(200);
  });
});

describe("new-device notice", () => {
  it("a login from a user agent never seen for the account mails the owner; a known one does not", async () => {
    const user = await registerUser();
    const registeredWith = { ...user, password: user.password };
    // registerUser sends no user agent: logging in again without one is the known device.
    const sameDevice = await api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip });
    expect(sameDevice.status).toBe(200);
    expect((await login(registeredWith, "Firefox on a new laptop")).status).toBe(200);
    const [mail] = await waitForMail(user.email, /New sign-in/);
    expect(mail!.text).toContain("Firefox on a new laptop");
    expect(mail!.text).toContain(user.ip);
    expect((await login(registeredWith, "Firefox on a new laptop")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await mailbox(user.email)).filter((m) => /New sign-in/.test(m.subject))).toHaveLength(1);
    const { items } = await json(await api("/v1/me/security-events", { token: user.accessToken }));
    expect(items.filter((e: { type: string }) => e.type === "login.new_device")).toHaveLength(1);
  });
});

describe("verified e-mail policy", () => {
  it("REQUIRE_VERIFIED_EMAIL_FOR_LOGIN is off by default: unverified accounts log in", async () => {
    const user = await registerUser();
    expect((await login(user)).status).toBe(200);
  });

  it("VERIFIED_EMAIL_REQUIRED_FOR lists actions refused to unverified accounts", async () => {
    const user = await registerUser();
    const strict = testDeps({ vars: { VERIFIED_EMAIL_REQUIRED_FOR: "totp.setup, data.export" } });
    await expect(assertVerifiedEmailFor(strict, user.id, "data.export")).rejects.toMatchObject({ status: 403, code: "email_not_verified" });
    await expect(assertVerifiedEmailFor(strict, user.id, "chat.send")).resolves.toBeUndefined();
    await markEmailVerified(user);
    await expect(assertVerifiedEmailFor(strict, user.id, "data.export")).resolves.toBeUndefined();
  });
});

describe("BOOTSTRAP_ADMIN_EMAIL", () => {
  it("the account registered with that address becomes admin, others do not", async () => {
    const email = `boss-${unique()}@example.com`;
    const withBootstrap = testDeps({ vars: { BOOTSTRAP_ADMIN_EMAIL: email.toUpperCase() } });
    const client = { ip: uniqueIp(), userAgent: "vitest" };
    const admin = await register(withBootstrap, { email, password: `boss password ${unique()}`, displayName: "Boss" }, client, accountModules);
    expect(admin.user.role).toBe("admin");
    const other = await register(
      withBootstrap,
      { email: `other-${unique()}@example.com`, password: `other password ${unique()}`, displayName: "Other" },
      client,
      accountModules,
    );
    expect(other.user.role).toBe("user");
  });

  it("an account made before the var named it becomes admin at its next sign-in, with the change in its security events", async () => {
    const email = `later-boss-${unique()}@example.com`;
    const password = `later password ${unique()}`;
    const client = { ip: uniqueIp(), userAgent: "vitest" };
    const made = await register(testDeps(), { email, password, displayName: "Later Boss" }, client, accountModules);
    expect(made.user.role).toBe("user");
    const signedIn = await signInWith(testDeps({ vars: { BOOTSTRAP_ADMIN_EMAIL: email } }), email, password, client);
    expect(signedIn.user.role).toBe("admin");
    const me = await json(await api("/v1/me", { token: signedIn.accessToken }));
    expect(me.user.role).toBe("admin");
    expect(await auditDetails(made.user.id, "role.changed")).toEqual([{ from: "user", to: "admin", by: "BOOTSTRAP_ADMIN_EMAIL" }]);
    // Signing in again changes nothing more.
    await signInWith(testDeps({ vars: { BOOTSTRAP_ADMIN_EMAIL: email } }), email, password, client);
    expect(await auditDetails(made.user.id, "role.changed")).toHaveLength(1);
  });
});

describe("email.send job", () => {
  it("delivers into the dev mailbox and acks", async () => {
    const to = `job-${unique()}@example.com`;
    const batch = createMessageBatch<JobMessage>("edge-platform-jobs", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { kind: "email.send", message: { to, subject: "Hello", text: "Body" } } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect((await mailbox(to)).map((m) => m.subject)).toEqual(["Hello"]);
  });

  it("is retried, not dropped, when production has no e-mail binding", async () => {
    const batch = createMessageBatch<JobMessage>("edge-platform-jobs", [
      { id: "m2", timestamp: new Date(), attempts: 1, body: { kind: "email.send", message: { to: "a@example.com", subject: "S", text: "T" } } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ENVIRONMENT: "production", EMAIL: undefined }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m2"]);
  });

  it("in production the binding is used with EMAIL_FROM", async () => {
    const sent: unknown[] = [];
    const binding = { send: async (message: unknown) => void sent.push(message) } as unknown as SendEmail;
    const batch = createMessageBatch<JobMessage>("edge-platform-jobs", [
      { id: "m3", timestamp: new Date(), attempts: 1, body: { kind: "email.send", message: { to: "b@example.com", subject: "S", text: "T" } } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ENVIRONMENT: "production", EMAIL: binding, EMAIL_FROM: "no-reply@platform.example" }, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m3"]);
    // The job runs in a trace (a new one: the message carried none), which the mail names.
    expect(sent).toEqual([
      {
        from: "no-reply@platform.example",
        to: "b@example.com",
        subject: "S",
        text: "T",
        headers: { "X-Traceparent": expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) },
      },
    ]);
  });
});

describe("GET /dev/mailbox in production", () => {
  it("does not exist", async () => {
    const response = await worker.fetch(
      new Request("http://platform.test/dev/mailbox?to=a@example.com"),
      { ...env, ENVIRONMENT: "production" },
      createExecutionContext(),
    );
    await expectProblem(response, 404, "not_found");
  });
});

describe("daily identity cleanup", () => {
  it("deletes expired one-time tokens, refresh tokens, sessions and realtime tickets, and keeps live ones", async () => {
    const user = await registerUser();
    const ticket = await api("/v1/realtime/tickets", { method: "POST", token: user.accessToken });
    expect(ticket.status).toBe(201);
    await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    const live = await registerUser();
    const count = async (userId: string) =>
      (
        await env.DB.batch([
          env.DB.prepare("SELECT COUNT(*) AS n FROM one_time_tokens WHERE user_id = ?").bind(userId),
          env.DB.prepare("SELECT COUNT(*) AS n FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE s.user_id = ?").bind(userId),
          env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?").bind(userId),
          env.DB.prepare("SELECT COUNT(*) AS n FROM realtime_tickets WHERE user_id = ?").bind(userId),
        ])
      ).map((r) => (r.results[0] as { n: number }).n);
    expect(await count(user.id)).toEqual([1, 1, 1, 1]);
    const expire = [
      env.DB.prepare("UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ?").bind(clock.now() - 1, user.id),
      env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?").bind(clock.now() - 1, user.id),
      env.DB.prepare("UPDATE refresh_tokens SET expires_at = ? WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?)").bind(clock.now() - 1, user.id),
      env.DB.prepare("UPDATE realtime_tickets SET expires_at = ? WHERE user_id = ?").bind(clock.now() - 1, user.id),
    ];
    await env.DB.batch(expire);
    await worker.scheduled(createScheduledController({ cron: "17 3 * * *", scheduledTime: clock.now() }), env, createExecutionContext());
    expect(await count(user.id)).toEqual([0, 0, 0, 0]);
    expect((await count(live.id)).slice(1, 3)).toEqual([1, 1]);
  });
});

describe("realtime sockets end with their session", () => {
  it("logout closes the session's realtime socket", async () => {
    const user = await registerUser();
    const response = await upgrade("/v1/realtime", { authorization: `Bearer ${user.accessToken}` });
    expect(response.status).toBe(101);
    const socket = acceptSocket(response);
    expect((await api("/v1/auth/logout", { method: "POST", token: user.accessToken })).status).toBe(204);
    expect((await socket.waitClosed()).code).toBe(4001);
  });
});
