import { env } from "cloudflare:workers";
import { Secret, TOTP } from "otpauth";
import { expect } from "vitest";
import { clock } from "../../shared/clock";
import { api, json, type TestUser } from "../helpers";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: string;
}

export async function mailbox(to: string): Promise<Mail[]> {
  const response = await api(`/dev/mailbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  return (await json<{ items: Mail[] }>(response)).items;
}

/** Polls the dev mailbox (mail goes through the JOBS queue) until `count` mails matching `subject` arrived. */
export async function waitForMail(to: string, subject: RegExp, count = 1, timeoutMs = 15_000): Promise<Mail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const matching = (await mailbox(to)).filter((m) => subject.test(m.subject));
    if (matching.length >= count) return matching;
    if (Date.now() > deadline) throw new Error(`no ${count} mail(s) "${subject}" for ${to} within ${timeoutMs} ms (have ${matching.length})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function tokenIn(mail: Mail): string {
  const match = /token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no token in mail: ${mail.text}`);
  return match[1];
}

export async function makeAdmin(user: Pick<TestUser, "id">): Promise<void> {
  await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(user.id).run();
}

export function totpCode(secret: string, stepOffset = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30, timestamp: clock.now() + stepOffset * 30_000 });
}

/** Turns TOTP on for a user; returns the secret and the backup codes. Moves the clock one step so the next code is fresh. */
export async function turnOnTotp(user: TestUser): Promise<{ secret: string; backupCodes: string[] }> {
  const setup = await api("/v1/auth/2fa/totp/setup", { token: user.accessToken, body: { password: user.password } });
  expect(setup.status).toBe(200);
  const { secret } = await json(setup);
  const enable = await api("/v1/auth/2fa/totp/enable", { token: user.accessToken, body: { code: totpCode(secret) } });
  expect(enable.status, await enable.clone().text()).toBe(200);
  const { backupCodes } = await json(enable);
  clock.advance(30_000);
  return { secret, backupCodes };
}

/** Logs in a 2FA user up to the mfa_required step; returns the mfaToken. */
export async function mfaTokenFor(user: Pick<TestUser, "email" | "password" | "ip">, userAgent = "vitest"): Promise<string> {
  const response = await api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip, headers: { "user-agent": userAgent } });
  const problem = await json(response);
  expect(response.status, JSON.stringify(problem)).toBe(401);
  expect(problem.code).toBe("mfa_required");
  expect(typeof problem.mfaToken).toBe("string");
  return problem.mfaToken;
}
