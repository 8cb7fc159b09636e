import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser } from "../helpers";
import { auditDetails } from "../kit/audit";

afterEach(() => clock.reset());

const refresh = (refreshToken: string) => api("/v1/auth/refresh", { body: { refreshToken } });

describe("POST /v1/auth/refresh", () => {
  it("rotates: returns a new pair and spends the old refresh token", async () => {
    const user = await registerUser();
    const response = await refresh(user.refreshToken);
    expect(response.status).toBe(200);
    const pair = await json(response);
    expect(pair.refreshToken).not.toBe(user.refreshToken);
    expect(pair.expiresIn).toBe(900);
    expect((await api("/v1/me", { token: pair.accessToken })).status).toBe(200);
    expect((await refresh(pair.refreshToken)).status).toBe(200);
  });

  it("two concurrent refreshes of one token get the same successor (tabs racing)", async () => {
    const user = await registerUser();
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [pairA, pairB] = [await json(a), await json(b)];
    expect(pairA.refreshToken).toBe(pairB.refreshToken);
    // Exactly one successor was created: the original token and it.
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE s.user_id = ?")
      .bind(user.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(2);
  });

  it("a spent token presented again within the grace window returns the same successor", async () => {
    const user = await registerUser();
    const first = await json(await refresh(user.refreshToken));
    clock.advance(5_000);
    const again = await refresh(user.refreshToken);
    expect(again.status).toBe(200);
    expect((await json(again)).refreshToken).toBe(first.refreshToken);
  });

  it("reusing a spent refresh token after the grace is token_reused and revokes the whole session", async () => {
    const user = await registerUser();
    const pair = await json(await refresh(user.refreshToken));
    clock.advance(21_000);
    await expectProblem(await refresh(user.refreshToken), 401, "token_reused");
    // Every token of the session is dead: the successor refresh token and the access tokens.
    await expectProblem(await refresh(pair.refreshToken), 401, "invalid_refresh_token");
    await expectProblem(await api("/v1/me", { token: pair.accessToken }), 401, "session_revoked");
    expect(await auditDetails(user.id, "refresh_token.reused")).toHaveLength(1);
  });

  it("refuses unknown tokens and expired ones", async () => {
    await expectProblem(await refresh("x".repeat(43)), 401, "invalid_refresh_token");
    const user = await registerUser();
    clock.advance(31 * 86_400_000);
    await expectProblem(await refresh(user.refreshToken), 401, "invalid_refresh_token");
  });

  it("rejects malformed bodies", async () => {
    await expectProblem(await api("/v1/auth/refresh", { body: {} }), 400, "invalid_body");
    await expectProblem(await api("/v1/auth/refresh", { body: { refreshToken: 42 } }), 400, "invalid_body");
  });

  it("stores refresh tokens only as hashes", async () => {
    const user = await registerUser();
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM refresh_tokens WHERE token_hash = ?").bind(user.refreshToken).first<{ n: number }>();
    expect(row?.n).toBe(0);
  });
});
