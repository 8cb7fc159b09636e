import { Secret, TOTP } from "otpauth";
import { expect } from "vitest";
import { clock } from "../../shared/clock";
import { api, json, type TestUser } from "../helpers";

// The mailbox and role helpers live in the test kit; these re-exports serve the modules' tests
// that still import them from here (studio providers), until the test-kit pass moves them.
export { mailbox, type Mail, tokenIn, waitForMail } from "../kit/mailbox";
export { makeAdmin } from "../kit/users";

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
