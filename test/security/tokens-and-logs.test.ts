import { env } from "cloudflare:workers";
import { SignJWT, decodeJwt, importJWK } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { usersAndGroup } from "../chat/fixtures";
import { api, expectProblem, json, registerUser } from "../helpers";
import { newAdmin } from "./fixtures";
import { testDeps } from "../kit/deps";

afterEach(() => vi.restoreAllMocks());

const ttlSeconds = () => Number(env.ACCESS_TOKEN_TTL_SECONDS) || 900;

/** A correctly signed access token for the user's live session with chosen iat/exp (seconds from now). */
async function signedWith(accessToken: string, iatOffset: number, lifetime: number): Promise<string> {
  const claims = decodeJwt(accessToken);
  const key = await importJWK(JSON.parse(testDeps().config.jwt.signingKeys!)[0], "ES256");
  const iat = Math.floor(Date.now() / 1000) + iatOffset;
  return new SignJWT({ ...claims, iat, exp: iat + lifetime }).setProtectedHeader({ alg: "ES256", kid: "test-current", typ: "at+jwt" }).sign(key);
}

describe("finding 11: token lifetimes and logged search queries", () => {
  it("a token whose lifetime exceeds the configured TTL is refused", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me", { token: await signedWith(user.accessToken, 0, 10 * 365 * 86400) }), 401, "invalid_token");
    await expectProblem(await api("/v1/me", { token: await signedWith(user.accessToken, 0, ttlSeconds() + 61) }), 401, "invalid_token");
  });

  it("a token issued in the future (beyond 60 s of clock skew) is refused", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me", { token: await signedWith(user.accessToken, 3600, ttlSeconds()) }), 401, "invalid_token");
    await expectProblem(await api("/v1/me", { token: await signedWith(user.accessToken, 120, ttlSeconds()) }), 401, "invalid_token");
  });

  it("tokens within the TTL and the skew still verify", async () => {
    const user = await registerUser();
    expect((await api("/v1/me", { token: await signedWith(user.accessToken, 30, ttlSeconds()) })).status).toBe(200);
    expect((await api("/v1/me", { token: await signedWith(user.accessToken, -10, ttlSeconds()) })).status).toBe(200);
  });

  it("search queries (q) reach the request log only as their length", async () => {
    const { users, chat } = await usersAndGroup(1);
    const admin = await newAdmin();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const secret = "zebrasecretterm";
    expect((await api(`/v1/chats/${chat.id}/messages?q=${secret}`, { token: users[0]!.accessToken })).status).toBe(200);
    const search = await api(`/v1/admin/users?q=${secret}`, { token: admin.accessToken });
    expect(search.status).toBe(200);
    await json(search);
    vi.restoreAllMocks();
    const requestLines = lines.filter((line) => line.includes('"msg":"request"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    expect(requestLines.join("\n")).not.toContain(secret);
    expect(requestLines.join("\n")).toContain(String(secret.length));
  });
});
