import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { api, expectProblem, registerUser, unique, uniqueIp } from "../helpers";
import { waitForMail } from "../kit/mailbox";

/** POST /v1/auth/register on a Worker run with REQUIRE_VERIFIED_EMAIL_FOR_LOGIN=true. */
async function registerVerifiedMode(email: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("http://platform.test/v1/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": uniqueIp() },
      body: JSON.stringify({ email, password: `a long fine password ${unique()}`, displayName: "Someone" }),
    }),
    { ...env, REQUIRE_VERIFIED_EMAIL_FOR_LOGIN: "true" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const body = (await response.json()) as Record<string, unknown>;
  delete body.requestId;
  return { status: response.status, body };
}

describe("finding 10: registration does not tell whether an address has an account (when verified e-mail is required)", () => {
  it("by default a known address is 409 email_taken", async () => {
    const user = await registerUser();
    await expectProblem(
      await api("/v1/auth/register", { body: { email: user.email, password: `another fine password ${unique()}`, displayName: "X" }, ip: uniqueIp() }),
      409,
      "email_taken",
    );
  });

  it("with REQUIRE_VERIFIED_EMAIL_FOR_LOGIN=true a known address answers exactly like a new one, without tokens", async () => {
    const owner = await registerUser();
    const fresh = await registerVerifiedMode(`fresh-${unique()}@example.com`);
    const known = await registerVerifiedMode(owner.email);
    expect(fresh.status).toBeGreaterThanOrEqual(200);
    expect(fresh.status).toBeLessThan(300);
    expect(known).toEqual(fresh);
    expect(fresh.body).not.toHaveProperty("accessToken");
    expect(fresh.body).not.toHaveProperty("refreshToken");
  });

  it("the owner of the known address is mailed instead, and the new address gets its verification link", async () => {
    const owner = await registerUser();
    await registerVerifiedMode(owner.email);
    await waitForMail(owner.email, /already|account|sign/i);
    const freshEmail = `fresh-${unique()}@example.com`;
    await registerVerifiedMode(freshEmail);
    await waitForMail(freshEmail, /Confirm your e-mail/);
  });
});
