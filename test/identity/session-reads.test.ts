import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../shared/identity/sessions/principal";
import { api, registerUser } from "../helpers";
import { testDeps } from "../kit/deps";

/** The DB binding, recording every D1 Sessions API constraint the code opens a session with. */
function recordingDb(): { DB: D1Database; sessions: string[] } {
  const sessions: string[] = [];
  const DB = new Proxy(env.DB, {
    get(target, property) {
      if (property === "withSession") {
        return (constraint: string) => {
          sessions.push(constraint);
          return target.withSession(constraint);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { DB, sessions };
}

describe("AUTH_SESSION_READS: where the per-request session check reads", () => {
  for (const [mode, expectedSessions] of [
    ["primary", []],
    ["replica", ["first-unconstrained"]],
  ] as const) {
    it(`${mode}: a live session authenticates, a logged-out one is refused (locally the only copy is the primary)`, async () => {
      const user = await registerUser();
      const { DB, sessions } = recordingDb();
      const modeEnv = testDeps({ bindings: { DB }, vars: { AUTH_SESSION_READS: mode } });

      const { principal } = await authenticate(modeEnv, user.accessToken);
      expect(principal.userId).toBe(user.id);
      expect(sessions).toEqual(expectedSessions);

      expect((await api("/v1/auth/logout", { method: "POST", token: user.accessToken })).status).toBe(204);
      await expect(authenticate(modeEnv, user.accessToken)).rejects.toMatchObject({ status: 401, code: "session_revoked" });
    });
  }
});
