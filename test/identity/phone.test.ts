import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { sendPhoneCode } from "../../shared/identity/phone/phone-codes";
import { SmsDeliveryError, TwilioSmsSender } from "../../shared/identity/phone/sms-sender";
import { api, expectProblem, json, registerUser, type TestUser, uniqueIp } from "../helpers";
import { auditDetails } from "../kit/audit";
import { testDeps } from "../kit/deps";
import { smsOutbox, uniquePhone, waitForSmsCode } from "../kit/sms";
import { totpCode, turnOnTotp } from "./lifecycle-fixtures";

afterEach(() => clock.reset());

/** Asks for a code to `phone` on the user's account and returns it (read from the dev outbox). */
async function textCodeTo(user: TestUser, phone: string): Promise<string> {
  const count = (await smsOutbox(phone)).length + 1;
  const response = await api("/v1/me/phone", { token: user.accessToken, body: { phone, password: user.password }, ip: user.ip });
  expect(response.status, await response.clone().text()).toBe(202);
  return waitForSmsCode(phone, count);
}

async function withConfirmedPhone(user: TestUser, phone = uniquePhone()): Promise<string> {
  const code = await textCodeTo(user, phone);
  const confirmed = await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code } });
  expect(confirmed.status, await confirmed.clone().text()).toBe(200);
  return phone;
}

const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("the account's phone number", () => {
  it("a texted code confirms the number, which shows in national format", async () => {
    const user = await registerUser();
    const phone = uniquePhone();
    const added = await api("/v1/me/phone", { token: user.accessToken, body: { phone, password: user.password } });
    expect(added.status).toBe(202);
    expect((await json(added)).pending.e164).toBe(phone);
    const code = await waitForSmsCode(phone);
    expect((await smsOutbox(phone))[0]!.body).toMatch(/Edge Platform code to confirm this phone number/);
    const before = await json(await api("/v1/me/phone", { token: user.accessToken }));
    expect(before).toMatchObject({ phone: null, pending: { e164: phone, country: "GB" } });

    const confirmed = await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code } });
    expect(confirmed.status).toBe(200);
    const settings = await json(confirmed);
    expect(settings.pending).toBeNull();
    expect(settings.phone).toMatchObject({ e164: phone, country: "GB" });
    expect(settings.phone.national).toMatch(/^07/);
    expect(await auditDetails(user.id, "phone.added")).toHaveLength(1);
  });

  it("reads a national number in the request's region", async () => {
    const user = await registerUser();
    const phone = uniquePhone();
    const national = `0${phone.slice(3)}`;
    const added = await api("/v1/me/phone", { token: user.accessToken, body: { phone: national, region: "gb", password: user.password } });
    expect(added.status).toBe(202);
    expect((await json(added)).pending.e164).toBe(phone);
  });

  it("a code works once, and not after ten minutes", async () => {
    const user = await registerUser();
    const phone = uniquePhone();
    const code = await textCodeTo(user, phone);
    clock.advance(10 * 60_000 + 1000);
    await expectProblem(await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code } }), 400, "invalid_phone_code");
    clock.reset();
    const fresh = await textCodeTo(user, phone);
    expect((await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code: fresh } })).status).toBe(200);
    await expectProblem(await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code: fresh } }), 400, "invalid_phone_code");
  });

  it("parallel wrong guesses use up the code's five tries: the right code then fails too", async () => {
    const user = await registerUser();
    const code = await textCodeTo(user, uniquePhone());
    const guesses = await Promise.all(
      Array.from({ length: 12 }, () => api("/v1/me/phone/confirm", { token: user.accessToken, body: { code: otherCode(code) } })),
    );
    for (const guess of guesses) expect(guess.status).toBe(400);
    await expectProblem(await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code } }), 400, "invalid_phone_code");
  });

  it("changing the number keeps the old one until the new one is confirmed; removing needs the password", async () => {
    const user = await registerUser();
    const first = await withConfirmedPhone(user);
    const second = uniquePhone();
    const code = await textCodeTo(user, second);
    expect((await json(await api("/v1/me/phone", { token: user.accessToken }))).phone.e164).toBe(first);
    expect((await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code } })).status).toBe(200);
    expect((await json(await api("/v1/me/phone", { token: user.accessToken }))).phone.e164).toBe(second);
    expect(await auditDetails(user.id, "phone.changed")).toHaveLength(1);

    await expectProblem(
      await api("/v1/me/phone", { method: "DELETE", token: user.accessToken, body: { password: "wrong password" } }),
      403,
      "invalid_password",
    );
    expect((await api("/v1/me/phone", { method: "DELETE", token: user.accessToken, body: { password: user.password } })).status).toBe(204);
    expect((await json(await api("/v1/me/phone", { token: user.accessToken }))).phone).toBeNull();
    await expectProblem(await api("/v1/me/phone", { method: "DELETE", token: user.accessToken, body: { password: user.password } }), 404);
    expect(await auditDetails(user.id, "phone.removed")).toHaveLength(1);
  });

  it("the confirmed number again is 409; a number confirmed on another account is refused to whoever proves it", async () => {
    const owner = await registerUser();
    const phone = await withConfirmedPhone(owner);
    await expectProblem(await api("/v1/me/phone", { token: owner.accessToken, body: { phone, password: owner.password } }), 409, "phone_already_confirmed");
    const other = await registerUser();
    const code = await textCodeTo(other, phone);
    await expectProblem(await api("/v1/me/phone/confirm", { token: other.accessToken, body: { code } }), 409, "phone_taken");
  });

  it("one account's code does not confirm another's number", async () => {
    const alice = await registerUser();
    const code = await textCodeTo(alice, uniquePhone());
    const bob = await registerUser();
    await expectProblem(await api("/v1/me/phone/confirm", { token: bob.accessToken, body: { code } }), 400, "invalid_phone_code");
    expect((await json(await api("/v1/me/phone", { token: bob.accessToken }))).pending).toBeNull();
  });

  it("needs a token (401), a number, a password and six digits (400), the right password (403)", async () => {
    await expectProblem(await api("/v1/me/phone"), 401);
    await expectProblem(await api("/v1/me/phone", { body: { phone: uniquePhone(), password: "x" } }), 401);
    await expectProblem(await api("/v1/me/phone/confirm", { body: { code: "123456" } }), 401);
    await expectProblem(await api("/v1/me/phone", { method: "DELETE", body: { password: "x" } }), 401);
    const user = await registerUser();
    await expectProblem(await api("/v1/me/phone", { token: user.accessToken, body: { phone: uniquePhone() } }), 400, "invalid_body");
    await expectProblem(await api("/v1/me/phone", { token: user.accessToken, body: { phone: "12345", password: user.password } }), 400, "invalid_phone");
    await expectProblem(await api("/v1/me/phone", { token: user.accessToken, body: { phone: "07700 900123", password: user.password } }), 400, "invalid_phone");
    await expectProblem(await api("/v1/me/phone/confirm", { token: user.accessToken, body: { code: "12ab56" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/me/phone", { token: user.accessToken, body: { phone: uniquePhone(), password: "wrong" } }), 403, "invalid_password");
    expect(await smsOutbox(uniquePhone())).toEqual([]);
  });

  it("texts to one number are limited (5 an hour)", async () => {
    const user = await registerUser();
    const phone = uniquePhone();
    for (let i = 0; i < 5; i++) {
      expect((await api("/v1/me/phone", { token: user.accessToken, body: { phone, password: user.password }, ip: uniqueIp() })).status).toBe(202);
    }
    await expectProblem(await api("/v1/me/phone", { token: user.accessToken, body: { phone, password: user.password }, ip: uniqueIp() }), 429, "rate_limited");
  });

  it("the data export names the number; deleting the account frees it", async () => {
    const user = await registerUser();
    const phone = await withConfirmedPhone(user);
    const exported = await json(await api("/v1/me/export", { token: user.accessToken }));
    expect(exported.phone).toMatchObject({ number: phone });
    expect((await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } })).status).toBe(204);
    const next = await registerUser();
    await withConfirmedPhone(next, phone);
  });
});

describe("signing in with a phone number", () => {
  it("the texted code signs in, as a password does", async () => {
    const user = await registerUser();
    const phone = await withConfirmedPhone(user);
    const ip = uniqueIp();
    const asked = await api("/v1/auth/phone/code", { body: { phone }, ip });
    expect(asked.status).toBe(202);
    expect(await asked.text()).toBe("");
    const code = await waitForSmsCode(phone, 2);
    expect((await smsOutbox(phone))[0]!.body).toMatch(/to sign in/);
    const signedIn = await api("/v1/auth/phone/sign-in", { body: { phone, code }, ip });
    expect(signedIn.status, await signedIn.clone().text()).toBe(200);
    const body = await json(signedIn);
    expect(body.user.id).toBe(user.id);
    expect((await api("/v1/me", { token: body.accessToken })).status).toBe(200);
    expect(await auditDetails(user.id, "login.succeeded")).toContainEqual({ method: "phone" });
    await expectProblem(await api("/v1/auth/phone/sign-in", { body: { phone, code }, ip }), 401, "invalid_phone_code");
  });

  it("answers alike for an unknown number, and texts it nothing", async () => {
    const unknown = uniquePhone();
    const known = await withConfirmedPhone(await registerUser());
    const [a, b] = await Promise.all([api("/v1/auth/phone/code", { body: { phone: unknown } }), api("/v1/auth/phone/code", { body: { phone: known } })]);
    expect([a.status, await a.text()]).toEqual([b.status, await b.text()]);
    await waitForSmsCode(known, 2);
    expect(await smsOutbox(unknown)).toEqual([]);
    const wrongKnown = await expectProblem(
      await api("/v1/auth/phone/sign-in", { body: { phone: known, code: "000000" }, ip: uniqueIp() }),
      401,
      "invalid_phone_code",
    );
    const wrongUnknown = await expectProblem(
      await api("/v1/auth/phone/sign-in", { body: { phone: unknown, code: "000000" }, ip: uniqueIp() }),
      401,
      "invalid_phone_code",
    );
    expect(wrongUnknown.detail).toBe(wrongKnown.detail);
  });

  it("2FA still asks its second step", async () => {
    const user = await registerUser();
    const phone = await withConfirmedPhone(user);
    const { secret } = await turnOnTotp(user);
    await api("/v1/auth/phone/code", { body: { phone } });
    const code = await waitForSmsCode(phone, 2);
    const problem = await expectProblem(await api("/v1/auth/phone/sign-in", { body: { phone, code }, ip: uniqueIp() }), 401, "mfa_required");
    const finished = await api("/v1/auth/login/mfa", { body: { mfaToken: problem.mfaToken, code: totpCode(secret) } });
    expect(finished.status).toBe(200);
  });

  it("a disabled account cannot sign in by phone", async () => {
    const user = await registerUser();
    const phone = await withConfirmedPhone(user);
    await api("/v1/auth/phone/code", { body: { phone } });
    const code = await waitForSmsCode(phone, 2);
    const { db } = testDeps();
    await db.$client.prepare("UPDATE users SET disabled_at = ? WHERE id = ?").bind(Date.now(), user.id).run();
    await expectProblem(await api("/v1/auth/phone/sign-in", { body: { phone, code }, ip: uniqueIp() }), 403, "account_disabled");
  });

  it("parallel guesses at a sign-in code stop after five", async () => {
    const user = await registerUser();
    const phone = await withConfirmedPhone(user);
    await api("/v1/auth/phone/code", { body: { phone } });
    const code = await waitForSmsCode(phone, 2);
    const guesses = await Promise.all(
      Array.from({ length: 8 }, () => api("/v1/auth/phone/sign-in", { body: { phone, code: otherCode(code) }, ip: uniqueIp() })),
    );
    for (const guess of guesses) expect([401, 429]).toContain(guess.status);
    await expectProblem(await api("/v1/auth/phone/sign-in", { body: { phone, code }, ip: uniqueIp() }), 401, "invalid_phone_code");
  });

  it("malformed bodies are 400", async () => {
    await expectProblem(await api("/v1/auth/phone/code", { body: {} }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/phone/code", { body: { phone: "not a phone" } }), 400, "invalid_phone");
    await expectProblem(await api("/v1/auth/phone/sign-in", { body: { phone: uniquePhone(), code: "1" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/phone/code", { body: { phone: uniquePhone(), region: "Britain" } }), 400, "invalid_body");
  });

  it("GET /v1/auth/phone says what the server offers", async () => {
    expect(await json(await api("/v1/auth/phone"))).toEqual({ signIn: true, sms: true, defaultRegion: null });
  });
});

describe("resetting a password through the phone", () => {
  it("the texted code buys a reset token; the new password signs in", async () => {
    const user = await registerUser();
    const phone = await withConfirmedPhone(user);
    const asked = await api("/v1/auth/password/forgot/phone", { body: { phone } });
    expect(asked.status).toBe(202);
    const code = await waitForSmsCode(phone, 2);
    expect((await smsOutbox(phone))[0]!.body).toMatch(/reset your password/);
    const exchanged = await api("/v1/auth/password/reset/phone", { body: { phone, code } });
    expect(exchanged.status).toBe(200);
    const { token } = await json(exchanged);
    const password = "a brand new passphrase 42";
    expect((await api("/v1/auth/password/reset", { body: { token, password } })).status).toBe(204);
    expect((await api("/v1/auth/login", { body: { email: user.email, password }, ip: uniqueIp() })).status).toBe(200);
    expect(await auditDetails(user.id, "password.reset_requested")).toContainEqual({ via: "phone" });
  });

  it("a wrong code and an unknown number answer alike", async () => {
    const known = await withConfirmedPhone(await registerUser());
    const a = await expectProblem(await api("/v1/auth/password/reset/phone", { body: { phone: known, code: "000000" } }), 400, "invalid_phone_code");
    const b = await expectProblem(await api("/v1/auth/password/reset/phone", { body: { phone: uniquePhone(), code: "000000" } }), 400, "invalid_phone_code");
    expect(a.detail).toBe(b.detail);
    expect((await api("/v1/auth/password/forgot/phone", { body: { phone: uniquePhone() } })).status).toBe(202);
  });
});

describe("the SMS provider (Twilio's Messages API)", () => {
  const settings = { accountSid: "AC0123456789abcdef0123456789abcdef", authToken: "twilio-test-token", from: "+15005550006", baseUrl: "https://twilio.test" };

  /** A stand-in for api.twilio.com that answers as its Messages API does and records what it got. */
  function fakeTwilio(answer: (form: URLSearchParams) => Response) {
    const received: { url: string; authorization: string | null; form: URLSearchParams }[] = [];
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const form = new URLSearchParams(await request.text());
      received.push({ url: request.url, authorization: request.headers.get("authorization"), form });
      return answer(form);
    }) as typeof fetch;
    return { received, fetchFn };
  }
  const created = (form: URLSearchParams) =>
    Response.json({ sid: "SM0123456789abcdef0123456789abcdef", status: "queued", to: form.get("To"), body: form.get("Body") }, { status: 201 });

  it("posts the form with Basic auth to the account's Messages resource", async () => {
    const twilio = fakeTwilio(created);
    await new TwilioSmsSender(settings, twilio.fetchFn).send({ to: "+447512345678", body: "123456 is your code" });
    expect(twilio.received).toHaveLength(1);
    const [call] = twilio.received;
    expect(call!.url).toBe(`https://twilio.test/2010-04-01/Accounts/${settings.accountSid}/Messages.json`);
    expect(call!.authorization).toBe(`Basic ${btoa(`${settings.accountSid}:${settings.authToken}`)}`);
    expect(Object.fromEntries(call!.form)).toEqual({ To: "+447512345678", From: "+15005550006", Body: "123456 is your code" });
  });

  it("a Messaging Service sender goes as MessagingServiceSid; Twilio's errors are permanent or not", async () => {
    const twilio = fakeTwilio(() => Response.json({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }, { status: 400 }));
    const sender = new TwilioSmsSender({ ...settings, from: "MG0123456789abcdef0123456789abcdef" }, twilio.fetchFn);
    const error = await sender.send({ to: "+447512345678", body: "x" }).catch((caught: unknown) => caught);
    expect(twilio.received[0]!.form.get("MessagingServiceSid")).toBe("MG0123456789abcdef0123456789abcdef");
    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect(error).toMatchObject({ permanent: true, message: expect.stringContaining("21211") });
    const busy = fakeTwilio(() => Response.json({ code: 20429, message: "Too Many Requests", status: 429 }, { status: 429 }));
    await expect(new TwilioSmsSender(settings, busy.fetchFn).send({ to: "+447512345678", body: "x" })).rejects.toMatchObject({ permanent: false });
  });

  it("in production the phone.code job texts through Twilio, and a refused number is recorded, not retried", async () => {
    const user = await registerUser();
    const vars = {
      ENVIRONMENT: "production",
      TWILIO_ACCOUNT_SID: settings.accountSid,
      TWILIO_AUTH_TOKEN: settings.authToken,
      SMS_FROM: settings.from,
      TWILIO_API_BASE_URL: "https://twilio.test",
    };
    const twilio = fakeTwilio(created);
    const phone = uniquePhone();
    await sendPhoneCode(testDeps({ vars, fetch: twilio.fetchFn }), { kind: "phone.code", purpose: "phone_confirm", phone, userId: user.id });
    expect(twilio.received[0]!.form.get("To")).toBe(phone);
    expect(twilio.received[0]!.form.get("Body")).toMatch(/^\d{6} is your Edge Platform code/);
    expect(await smsOutbox(phone)).toEqual([]);

    const refusing = fakeTwilio(() => Response.json({ code: 21610, message: "Attempt to send to unsubscribed recipient", status: 400 }, { status: 400 }));
    await sendPhoneCode(testDeps({ vars, fetch: refusing.fetchFn }), { kind: "phone.code", purpose: "phone_confirm", phone, userId: user.id });
    expect(await auditDetails(user.id, "phone.code_undelivered")).toEqual([{ purpose: "phone_confirm", reason: expect.stringContaining("21610") }]);
  });
});
