import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, login, registerUser, unique, uniqueIp } from "../helpers";
import { markEmailVerified } from "../kit/users";
import { mailbox, tokenIn, waitForMail } from "../kit/mailbox";

afterEach(() => clock.reset());

describe("GET /dev/mailbox", () => {
  it("lists mails sent to an address, newest first", async () => {
    const user = await registerUser();
    expect(await mailbox(user.email)).toEqual([]);
    await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    const [mail] = await waitForMail(user.email, /Confirm/);
    expect(mail).toMatchObject({ to: user.email.toLowerCase(), subject: "Confirm your e-mail address" });
    expect(mail!.text).toMatch(/token=/);
    expect(mail!.html).toContain("<a href=");
  });

  it("rejects a missing or malformed address with 400", async () => {
    await expectProblem(await api("/dev/mailbox"), 400, "invalid_query");
    await expectProblem(await api("/dev/mailbox?to=nope"), 400, "invalid_query");
  });
});

describe("POST /v1/auth/email/verification and /email/verify", () => {
  it("verifies the address with the mailed token", async () => {
    const user = await registerUser();
    const queued = await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    expect(queued.status).toBe(202);
    const token = tokenIn((await waitForMail(user.email, /Confirm/))[0]!);
    const verified = await api("/v1/auth/email/verify", { body: { token } });
    expect(verified.status).toBe(200);
    expect((await json(verified)).user).toMatchObject({ id: user.id, emailVerified: true });
    const me = await json(await api("/v1/me", { token: user.accessToken }));
    expect(me.user.emailVerified).toBe(true);
  });

  it("a verification token works once", async () => {
    const user = await registerUser();
    await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    const token = tokenIn((await waitForMail(user.email, /Confirm/))[0]!);
    expect((await api("/v1/auth/email/verify", { body: { token } })).status).toBe(200);
    await expectProblem(await api("/v1/auth/email/verify", { body: { token } }), 400, "invalid_token");
  });

  it("a verification token expires after 24 hours", async () => {
    const user = await registerUser();
    await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    const token = tokenIn((await waitForMail(user.email, /Confirm/))[0]!);
    clock.advance(24 * 3600_000 + 1000);
    await expectProblem(await api("/v1/auth/email/verify", { body: { token } }), 400, "invalid_token");
  });

  it("a new link makes the earlier one stop working", async () => {
    const user = await registerUser();
    await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    const first = tokenIn((await waitForMail(user.email, /Confirm/))[0]!);
    await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken });
    const second = tokenIn((await waitForMail(user.email, /Confirm/, 2))[0]!);
    expect(second).not.toBe(first);
    await expectProblem(await api("/v1/auth/email/verify", { body: { token: first } }), 400, "invalid_token");
    expect((await api("/v1/auth/email/verify", { body: { token: second } })).status).toBe(200);
  });

  it("an already verified address is 409", async () => {
    const user = await registerUser();
    await markEmailVerified(user);
    await expectProblem(await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken }), 409, "email_already_verified");
  });

  it("needs a token to request (401) and a well-formed body to verify (400)", async () => {
    await expectProblem(await api("/v1/auth/email/verification", { method: "POST" }), 401);
    await expectProblem(await api("/v1/auth/email/verify", { body: {} }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/email/verify", { body: { token: "x".repeat(40) } }), 400, "invalid_token");
  });

  it("verification requests are rate limited per user", async () => {
    const user = await registerUser();
    for (let i = 0; i < 5; i++) expect((await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken })).status).toBe(202);
    await expectProblem(await api("/v1/auth/email/verification", { method: "POST", token: user.accessToken }), 429, "rate_limited");
  });
});

describe("POST /v1/auth/password/forgot and /password/reset", () => {
  it("resets the password with the mailed token, ends every session and lets the new password log in", async () => {
    const user = await registerUser();
    const forgot = await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp() });
    expect(forgot.status).toBe(202);
    const token = tokenIn((await waitForMail(user.email, /Reset your password/))[0]!);
    const newPassword = `brand new ${unique()}`;
    expect((await api("/v1/auth/password/reset", { body: { token, password: newPassword } })).status).toBe(204);

    await expectProblem(await api("/v1/me", { token: user.accessToken }), 401);
    await expectProblem(await api("/v1/auth/refresh", { body: { refreshToken: user.refreshToken } }), 401);
    await expectProblem(await login(user), 401, "invalid_credentials");
    expect((await login({ ...user, password: newPassword })).status).toBe(200);
    await waitForMail(user.email, /password was reset/);
  });

  it("answers an unknown e-mail exactly like a known one", async () => {
    const known = await registerUser();
    const unknownEmail = `nobody-${unique()}@example.com`;
    const a = await api("/v1/auth/password/forgot", { body: { email: known.email }, ip: uniqueIp() });
    const b = await api("/v1/auth/password/forgot", { body: { email: unknownEmail }, ip: uniqueIp() });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(await a.text()).toBe(await b.text());
    expect([...a.headers.keys()].filter((h) => h !== "x-request-id").sort()).toEqual([...b.headers.keys()].filter((h) => h !== "x-request-id").sort());
    await waitForMail(known.email, /Reset/);
    expect(await mailbox(unknownEmail)).toEqual([]);
  });

  it("a reset token works once", async () => {
    const user = await registerUser();
    await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp() });
    const token = tokenIn((await waitForMail(user.email, /Reset/))[0]!);
    expect((await api("/v1/auth/password/reset", { body: { token, password: `first new ${unique()}` } })).status).toBe(204);
    await expectProblem(await api("/v1/auth/password/reset", { body: { token, password: `second new ${unique()}` } }), 400, "invalid_token");
  });

  it("a reset token expires after 30 minutes", async () => {
    const user = await registerUser();
    await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp() });
    const token = tokenIn((await waitForMail(user.email, /Reset/))[0]!);
    clock.advance(30 * 60_000 + 1000);
    await expectProblem(await api("/v1/auth/password/reset", { body: { token, password: `late new ${unique()}` } }), 400, "invalid_token");
  });

  it("a weak new password is refused without spending the token", async () => {
    const user = await registerUser();
    await api("/v1/auth/password/forgot", { body: { email: user.email }, ip: uniqueIp() });
    const token = tokenIn((await waitForMail(user.email, /Reset/))[0]!);
    await expectProblem(await api("/v1/auth/password/reset", { body: { token, password: "password123" } }), 400, "weak_password");
    expect((await api("/v1/auth/password/reset", { body: { token, password: `good new ${unique()}` } })).status).toBe(204);
  });

  it("malformed bodies are 400", async () => {
    await expectProblem(await api("/v1/auth/password/forgot", { body: { email: "nope" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/password/reset", { body: { token: "short" } }), 400, "invalid_body");
  });

  it("forgot requests are rate limited per IP", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) expect((await api("/v1/auth/password/forgot", { body: { email: `x${i}-${unique()}@example.com` }, ip })).status).toBe(202);
    await expectProblem(await api("/v1/auth/password/forgot", { body: { email: `y-${unique()}@example.com` }, ip }), 429, "rate_limited");
  });
});

describe("POST /v1/auth/password/change", () => {
  it("changes the password and ends the other sessions but not the current one", async () => {
    const user = await registerUser();
    const other = await json(await login(user, "other device"));
    const newPassword = `changed ${unique()}`;
    const response = await api("/v1/auth/password/change", { token: user.accessToken, body: { currentPassword: user.password, newPassword } });
    expect(response.status).toBe(204);
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    await expectProblem(await api("/v1/me", { token: other.accessToken }), 401);
    expect((await login({ ...user, password: newPassword })).status).toBe(200);
    await waitForMail(user.email, /password was changed/);
  });

  it("a wrong current password is 403 invalid_password and changes nothing", async () => {
    const user = await registerUser();
    const response = await api("/v1/auth/password/change", {
      token: user.accessToken,
      body: { currentPassword: "wrong password!", newPassword: `x ${unique()}` },
    });
    await expectProblem(response, 403, "invalid_password");
    expect((await login(user)).status).toBe(200);
  });

  it("needs a token (401) and both fields (400); weak passwords are refused", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/auth/password/change", { body: { currentPassword: "a", newPassword: "b" } }), 401);
    await expectProblem(await api("/v1/auth/password/change", { token: user.accessToken, body: { currentPassword: user.password } }), 400, "invalid_body");
    await expectProblem(
      await api("/v1/auth/password/change", { token: user.accessToken, body: { currentPassword: user.password, newPassword: "short" } }),
      400,
      "weak_password",
    );
  });
});
