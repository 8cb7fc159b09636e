import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { deleteExpiredOAuthRecords } from "../../shared/oauth/cleanup";
import { oidcKeyring, publishedOidcKeys } from "../../shared/oauth/keys";
import { testDeps } from "../kit/deps";
import { signInToApp } from "./kit";

afterEach(() => clock.reset());

const count = async (sql: string, value: string) => (await env.DB.prepare(sql).bind(value).first<{ n: number }>())!.n;

/** The authorization an access token belongs to (what is stored, read directly). */
async function authorizationOf(accessToken: string): Promise<string> {
  const row = await env.DB.prepare("SELECT authorization_id AS id FROM oauth_tokens WHERE id = ?").bind(decodeJwt(accessToken).jti).first<{ id: string }>();
  return row!.id;
}

describe("the daily oauth cleanup", () => {
  it("deletes expired codes and tokens and the authorizations nothing is left of, and keeps those still in use", async () => {
    const expired = await authorizationOf((await signInToApp()).tokens.access_token);
    const inUse = await authorizationOf((await signInToApp()).tokens.access_token);
    clock.advance(31 * 86400_000);
    // A refresh token that has not expired yet (as if its app had refreshed recently).
    await env.DB.prepare("UPDATE oauth_tokens SET expires_at = ? WHERE kind = 'refresh' AND authorization_id = ?")
      .bind(clock.now() + 86400_000, inUse)
      .run();
    const counts = await deleteExpiredOAuthRecords(testDeps(), clock.now());
    expect(counts.tokens).toBeGreaterThanOrEqual(3);
    expect(counts.codes).toBeGreaterThanOrEqual(2);
    expect(await count("SELECT COUNT(*) AS n FROM oauth_tokens WHERE authorization_id = ?", expired)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM oauth_authorizations WHERE id = ?", expired)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM oauth_codes WHERE authorization_id = ?", expired)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM oauth_authorizations WHERE id = ?", inUse)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM oauth_tokens WHERE authorization_id = ?", inUse)).toBe(1);
  });
});

describe("a deployment without OIDC_SIGNING_KEYS", () => {
  it("answers single sign-on with 503 not_configured and publishes only the ES256 keys", async () => {
    expect(() => oidcKeyring(undefined)).toThrow(expect.objectContaining({ status: 503, code: "not_configured" }));
    expect(await publishedOidcKeys(undefined)).toEqual([]);
  });
});
