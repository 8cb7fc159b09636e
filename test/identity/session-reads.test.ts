import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../shared/identity/sessions/principal";
import { api, expectProblem, registerUser } from "../helpers";
import { testDeps } from "../kit/deps";
import { recordingDb } from "../kit/recording-db";

describe("AUTH_SESSION_READS: where the per-request session check reads", () => {
  for (const [mode, expectedSessions] of [
    ["primary", []],
    ["replica", ["first-unconstrained"]],
  ] as const) {
    it(`${mode}: a live session authenticates, a logged-out one is refused (locally the only copy is the primary)`, async () => {
      const user = await registerUser();
      const { DB, sessions } = recordingDb();
      const modeEnv = testDeps({ bindings: { DB }, vars: { AUTH_SESSION_READS: mode } });

      // Replica reads wait for a lag measurement (replica-lag.test.ts); locally it is 0.
      if (mode === "replica") await modeEnv.replicaReads.probe(modeEnv.clock.now());
      sessions.length = 0;
      const { principal } = await authenticate(modeEnv, user.accessToken);
      expect(principal.userId).toBe(user.id);
      expect(sessions).toEqual(expectedSessions);

      expect((await api("/v1/auth/logout", { method: "POST", token: user.accessToken })).status).toBe(204);
      await expect(authenticate(modeEnv, user.accessToken)).rejects.toMatchObject({ status: 401, code: "session_revoked" });
    });
  }
});

describe("the per-request session check: one D1 read, nothing kept between requests", () => {
  it("reads the user's profile and role, never the password hash or the lockout counters", async () => {
    const user = await registerUser();
    const { user: row } = await authenticate(testDeps(), user.accessToken);
    expect(Object.keys(row).sort()).toEqual(
      ["avatarUrl", "bio", "createdAt", "displayName", "email", "emailVerified", "id", "locale", "presenceVisibility", "role", "timezone", "updatedAt"].sort(),
    );
    expect(row).toMatchObject({ id: user.id, email: user.email, role: "user" });
  });

  // Each ending is written straight to D1, as another isolate or region would write it: the
  // isolate that answered the earlier requests (prepared query, imported key) learns nothing else.
  for (const [ending, statement] of [
    ["the session revoked", "UPDATE sessions SET revoked_at = 1 WHERE id = ?1"],
    ["the session expired", "UPDATE sessions SET expires_at = 1 WHERE id = ?1"],
    ["the user disabled", "UPDATE users SET disabled_at = 1 WHERE id = (SELECT user_id FROM sessions WHERE id = ?1)"],
  ] as const) {
    it(`${ending} elsewhere: the very next request is refused`, async () => {
      const user = await registerUser();
      for (let i = 0; i < 3; i++) expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);

      await env.DB.prepare(statement).bind(decodeJwt(user.accessToken).sid).run();

      await expectProblem(await api("/v1/me", { token: user.accessToken }), 401, "session_revoked");
      await expect(authenticate(testDeps(), user.accessToken)).rejects.toMatchObject({ status: 401, code: "session_revoked" });
    });
  }
});
