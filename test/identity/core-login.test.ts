import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { login as loginWith } from "../../shared/identity/sessions/login";
import { hashPassword, needsRehash, PASSWORD_HASH_PARAMS } from "../../shared/identity/credentials/passwords";
import { api, expectProblem, json, login, registerUser, unique, uniqueIp } from "../helpers";
import { testDeps } from "../kit/deps";
import { auditTrail } from "../kit/audit";

describe("POST /v1/auth/login", () => {
  it("logs in with the right password, e-mail in any case", async () => {
    const user = await registerUser();
    const response = await api("/v1/auth/login", { body: { email: user.email.toUpperCase(), password: user.password }, ip: user.ip });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.user.id).toBe(user.id);
    expect(body.accessToken).toBeTruthy();
    expect(body.refreshToken).not.toBe(user.refreshToken);
  });

  it("answers an unknown e-mail exactly like a wrong password", async () => {
    const user = await registerUser();
    const wrong = await api("/v1/auth/login", { body: { email: user.email, password: "not the password" }, ip: uniqueIp() });
    const unknown = await api("/v1/auth/login", { body: { email: `ghost-${unique()}@example.com`, password: "not the password" }, ip: uniqueIp() });
    const a = await expectProblem(wrong, 401, "invalid_credentials");
    const b = await expectProblem(unknown, 401, "invalid_credentials");
    // Per-request ids (the request's and its trace's) differ by design.
    for (const problem of [a, b]) {
      delete problem.requestId;
      delete problem.traceId;
    }
    expect(a).toEqual(b);
    expect([...wrong.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
  });

  it("spends a password hash for unknown e-mails too (timing)", async () => {
    const user = await registerUser();
    const time = async (email: string) => {
      const started = performance.now();
      await api("/v1/auth/login", { body: { email, password: "not the password" }, ip: uniqueIp() });
      return performance.now() - started;
    };
    await time(`warm-${unique()}@example.com`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(user.email));
      unknown.push(await time(`ghost-${unique()}@example.com`));
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[1]!;
    // Both paths run one argon2id verification (tens of ms); without the dummy hash the unknown path takes ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });

  it("rejects malformed bodies", async () => {
    await expectProblem(await api("/v1/auth/login", { body: { email: "x" }, ip: uniqueIp() }), 400, "invalid_body");
  });

  it("after 10 failures for one e-mail answers 429 with Retry-After, even for the right password", async () => {
    const user = await registerUser();
    for (let i = 0; i < 10; i++) {
      const response = await api("/v1/auth/login", { body: { email: user.email, password: `wrong ${i}` }, ip: uniqueIp() });
      await expectProblem(response, 401, "invalid_credentials");
    }
    const blocked = await login({ ...user, ip: uniqueIp() });
    await expectProblem(blocked, 429, "rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("limits login attempts per IP", async () => {
    const user = await registerUser();
    const limited = testDeps({ vars: { RATE_LIMIT_LOGIN_PER_IP: "3/300" } });
    const client = { ip: uniqueIp(), userAgent: "vitest" };
    for (let i = 0; i < 3; i++) await loginWith(limited, user.email, user.password, client);
    const error = await loginWith(limited, user.email, user.password, client).catch((e) => e);
    expect(error.status).toBe(429);
  });

  it("records successes and failures in the audit log", async () => {
    const user = await registerUser();
    await api("/v1/auth/login", { body: { email: user.email, password: "wrong password" }, ip: user.ip });
    await login(user);
    const events = await auditTrail({ userId: user.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["user.registered", "login.failed", "login.succeeded"]));
    expect(JSON.stringify(events.find((e) => e.type === "login.failed")?.detail)).toContain("wrong_password");
  });

  it("rehashes a password stored with old parameters at the next login", async () => {
    const user = await registerUser();
    const weakHash = (await hashPassword(user.password)).replace(/m=\d+,t=\d+,p=\d+/, "m=19456,t=2,p=1");
    // Store a hash made with cheaper parameters, as an older release would have.
    const old = await oldParamsHash(user.password);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(weakHash)).toBe(false);
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(old, user.id).run();
    expect((await login(user)).status).toBe(200);
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(user.id).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${PASSWORD_HASH_PARAMS.memoryCost},t=${PASSWORD_HASH_PARAMS.timeCost},p=${PASSWORD_HASH_PARAMS.parallelism}\\$`),
    );
    expect((await login(user)).status).toBe(200);
  });
});

async function oldParamsHash(password: string): Promise<string> {
  const { default: Argon2, Argon2Type, Argon2Version } = await import("@phi-ag/argon2");
  const wasm = (await import("@phi-ag/argon2/argon2.wasm")).default;
  const argon2 = new Argon2(await WebAssembly.instantiate(wasm));
  return argon2.hash(password, { memoryCost: 4096, timeCost: 3, parallelism: 1, hashLength: 32, type: Argon2Type.Argon2id, version: Argon2Version.Version13 })
    .encoded;
}

describe("password hashing", () => {
  it("uses argon2id with OWASP parameters (19 MiB, t=2, p=1), stored in the hash", async () => {
    expect(PASSWORD_HASH_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const encoded = await hashPassword("some password");
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hashPassword("some password")).not.toBe(encoded);
  });
});
