import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { accessOf, type OpenApiDocument, operationsOf } from "./openapi-operations";

describe("health and readiness", () => {
  it("GET /health answers ok", async () => {
    const response = await api("/health");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
  });

  it("GET /ready checks D1 and R2", async () => {
    const response = await api("/ready");
    expect(response.status).toBe(200);
    // The queue part is tested in test/observability/ready.test.ts.
    expect(await json(response)).toEqual({
      status: "ok",
      checks: { d1: true, r2: true },
      queue: expect.objectContaining({ deadLettersLastHour: expect.any(Number) }),
      // Replica lag only where sessions read replicas (test/identity/replica-lag.test.ts).
      replica: null,
    });
  });
});

describe("request ids", () => {
  it("every response carries a fresh x-request-id", async () => {
    const response = await api("/health");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a well-formed incoming x-request-id is echoed, in errors too", async () => {
    const response = await api("/nope", { headers: { "x-request-id": "client-req-12345" } });
    expect(response.headers.get("x-request-id")).toBe("client-req-12345");
    const problem = await expectProblem(response, 404, "not_found");
    expect(problem.requestId).toBe("client-req-12345");
  });

  it("a malformed incoming x-request-id is replaced", async () => {
    const response = await api("/health", { headers: { "x-request-id": "bad id with spaces" } });
    expect(response.headers.get("x-request-id")).not.toBe("bad id with spaces");
  });
});

describe("problem documents", () => {
  it("unknown routes are 404 problems", async () => {
    await expectProblem(await api("/v1/does-not-exist"), 404, "not_found");
  });

  it("malformed JSON is 400 malformed_json", async () => {
    await expectProblem(await api("/v1/auth/login", { body: "{not json", headers: { "content-type": "application/json" } }), 400, "malformed_json");
  });

  it("schema violations are 400 invalid_body with field errors", async () => {
    const problem = await expectProblem(await api("/v1/auth/register", { body: { email: "not-an-email", password: 5 } }), 400, "invalid_body");
    const paths = problem.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["email", "password", "displayName"]));
  });

  it("a body that is not JSON at all is refused", async () => {
    const response = await api("/v1/auth/login", { body: "email=a", headers: { "content-type": "text/plain" } });
    await expectProblem(response, 415, "unsupported_media_type");
  });

  it("a missing body is a 4xx problem", async () => {
    const response = await api("/v1/auth/login", { method: "POST" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("bodies over the limit are 413", async () => {
    const huge = JSON.stringify({ email: "a@example.com", password: "x".repeat(2 * 1024 * 1024) });
    await expectProblem(await api("/v1/auth/login", { body: huge }), 413, "body_too_large");
  });

  it("invalid query parameters are 400 invalid_query", async () => {
    const user = await registerUser();
    const response = await api(`/v1/realtime?ticket=${"x".repeat(300)}`, { token: user.accessToken, headers: { upgrade: "websocket" } });
    await expectProblem(response, 400, "invalid_query");
  });
});

describe("CORS", () => {
  it("answers preflight requests", async () => {
    const response = await api("/v1/me", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("OpenAPI and docs", () => {
  it("serves an OpenAPI 3.1 document listing the identity endpoints", async () => {
    const response = await api("/openapi.json");
    expect(response.status).toBe(200);
    const doc = await json(response);
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/auth/register",
      "/v1/auth/login",
      "/v1/auth/refresh",
      "/v1/auth/logout",
      "/v1/auth/logout-all",
      "/v1/auth/sessions",
      "/v1/auth/sessions/{id}",
      "/v1/me",
      "/v1/realtime/tickets",
      "/v1/realtime",
      "/.well-known/jwks.json",
      "/health",
      "/ready",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
  });

  it("routes that need a token declare the bearer scheme; only credential exchanges answer 401 without one", async () => {
    const doc = await json<OpenApiDocument>(await api("/openapi.json"));
    const bearerWithout401: string[] = [];
    const unauthed401: string[] = [];
    for (const { route, operation } of operationsOf(doc)) {
      // Public routes that take an optional token (public files, the gallery) declare `[{bearerAuth: []}, {}]`.
      const access = accessOf(operation);
      const declares = access === "token" || access === "optional token";
      if (declares && !("401" in operation.responses)) bearerWithout401.push(route);
      if (!declares && "401" in operation.responses) unauthed401.push(route);
    }
    expect(bearerWithout401).toEqual([]);
    // Stream's webhook proves itself with its signature (401 when wrong), not a token.
    // Passkey sign-in is a credential exchange too (401 for an unknown passkey or a spent mfaToken), and so is phone + SMS code.
    expect(unauthed401.sort()).toEqual([
      "POST /v1/auth/login",
      "POST /v1/auth/login/mfa",
      "POST /v1/auth/passkeys/login/options",
      "POST /v1/auth/passkeys/login/verify",
      "POST /v1/auth/phone/sign-in",
      "POST /v1/auth/refresh",
      "POST /v1/webhooks/stream",
    ]);
  });

  it("serves a docs page", async () => {
    const response = await api("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("/openapi.json");
  });
});
