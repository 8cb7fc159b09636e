import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, login, registerUser, type TestUser } from "../helpers";
import { makeAdmin } from "../kit/users";
import { uniquePng, uploadFile } from "../media/fixtures";

const METRICS_TOKEN = "test-metrics-token";

type Family = ReturnType<typeof parsePrometheusTextFormat>[number];

async function scrape(): Promise<Family[]> {
  const response = await api("/metrics", { token: METRICS_TOKEN });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusTextFormat(text);
}

/** The value of a counter series (0 when absent), from a parsed scrape. */
function counter(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  const series = family?.metrics.find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels));
  return series ? Number(series.value) : 0;
}

const requests = (families: Family[], method: string, route: string, statusClass: string) =>
  counter(families, "http_requests_total", { method, route, status_class: statusClass });

async function adminUser(): Promise<TestUser> {
  const admin = await registerUser();
  await makeAdmin(admin);
  return admin;
}

describe("GET /metrics", () => {
  it("needs a bearer: 401 without one or with a wrong one, 403 for a user who is not admin", async () => {
    await expectProblem(await api("/metrics"), 401);
    await expectProblem(await api("/metrics", { token: "not-the-metrics-token" }), 401);
    const user = await registerUser();
    await expectProblem(await api("/metrics", { token: user.accessToken }), 403, "forbidden");
  });

  it("answers the METRICS_TOKEN and an admin's access token", async () => {
    expect((await api("/metrics", { token: METRICS_TOKEN })).status).toBe(200);
    const admin = await adminUser();
    const response = await api("/metrics", { token: admin.accessToken });
    expect(response.status).toBe(200);
    expect(parsePrometheusTextFormat(await response.text()).map((f) => f.name)).toContain("http_requests_total");
  });

  it("counts a known sequence of requests by route template and status class, and the business counters", async () => {
    const before = await scrape();
    const user = await registerUser();
    const other = await registerUser();
    for (let i = 0; i < 3; i++) expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    await expectProblem(await api("/v1/me"), 401);
    await expectProblem(await api(`/v1/chats/no-such-chat-${Date.now()}`, { token: user.accessToken }), 404);
    await expectProblem(await api("/no/such/route"), 404);
    expect((await login(other)).status).toBe(200);
    for (let i = 0; i < 2; i++) await expectProblem(await login({ ...other, password: "wrong password" }), 401, "invalid_credentials");
    const after = await scrape();

    const delta = (read: (families: Family[]) => number) => read(after) - read(before);
    expect(delta((f) => requests(f, "GET", "/v1/me", "2xx"))).toBe(3);
    expect(delta((f) => requests(f, "GET", "/v1/me", "4xx"))).toBe(1);
    // The template, not the raw path: one series however many chats are asked for.
    expect(delta((f) => requests(f, "GET", "/v1/chats/:id", "4xx"))).toBe(1);
    expect(delta((f) => requests(f, "GET", "unmatched", "4xx"))).toBe(1);
    expect(delta((f) => requests(f, "POST", "/v1/auth/register", "2xx"))).toBe(2);
    expect(delta((f) => requests(f, "POST", "/v1/auth/login", "2xx"))).toBe(1);
    expect(delta((f) => requests(f, "POST", "/v1/auth/login", "4xx"))).toBe(2);
    // The scrape before this sequence is counted once it has answered.
    expect(delta((f) => requests(f, "GET", "/metrics", "2xx"))).toBe(1);
    expect(delta((f) => counter(f, "identity_registrations_total"))).toBe(2);
    expect(delta((f) => counter(f, "identity_logins_total", { result: "success" }))).toBe(1);
    expect(delta((f) => counter(f, "identity_logins_total", { result: "invalid_credentials" }))).toBe(2);
    expect(after.find((f) => f.name === "http_request_duration_seconds")?.type).toBe("HISTOGRAM");
    expect(JSON.stringify(after)).not.toContain("no-such-chat");
  });

  it("counts stored uploads and their bytes (single request and tus finish alike)", async () => {
    const user = await registerUser();
    const before = await scrape();
    const png = uniquePng(3000);
    await uploadFile(user, png, { purpose: "image" });
    const after = await scrape();
    expect(counter(after, "media_uploads_total") - counter(before, "media_uploads_total")).toBe(1);
    expect(counter(after, "media_upload_bytes_total") - counter(before, "media_upload_bytes_total")).toBe(png.byteLength);
  });

  it("keeps a latency histogram per route whose count matches the requests", async () => {
    const user = await registerUser();
    for (let i = 0; i < 4; i++) expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    const response = await api("/metrics", { token: METRICS_TOKEN });
    const text = await response.text();
    const count = /^http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status_class="2xx"\} (\d+)$/m.exec(text);
    const total = /^http_requests_total\{method="GET",route="\/v1\/me",status_class="2xx"\} (\d+)$/m.exec(text);
    expect(count?.[1]).toBeDefined();
    expect(count?.[1]).toBe(total?.[1]);
    const inf = /^http_request_duration_seconds_bucket\{method="GET",route="\/v1\/me",status_class="2xx",le="\+Inf"\} (\d+)$/m.exec(text);
    expect(inf?.[1]).toBe(count?.[1]);
  });
});

describe("GET /v1/admin/metrics", () => {
  it("is for admins: 401 without a token, 403 for a user", async () => {
    await expectProblem(await api("/v1/admin/metrics"), 401);
    const user = await registerUser();
    await expectProblem(await api("/v1/admin/metrics", { token: user.accessToken }), 403);
  });

  it("summarises the last hour per minute and per route", async () => {
    const admin = await adminUser();
    for (let i = 0; i < 2; i++) expect((await api("/v1/me", { token: admin.accessToken })).status).toBe(200);
    const response = await api("/v1/admin/metrics", { token: admin.accessToken });
    expect(response.status).toBe(200);
    const summary = await json(response);
    expect(summary.windowMinutes).toBe(60);
    expect(summary.perMinute.length).toBeGreaterThan(0);
    expect(summary.perMinute.at(-1).minute).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    const me = summary.routes.find((r: { method: string; route: string }) => r.method === "GET" && r.route === "/v1/me");
    expect(me.requests).toBeGreaterThanOrEqual(2);
    expect(me.p50Seconds).toBeGreaterThan(0);
    expect(summary.counters.identity_registrations_total).toBeGreaterThanOrEqual(1);
  });
});
