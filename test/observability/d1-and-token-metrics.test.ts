import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { moduleOfStatement, TABLES_OF_MODULE } from "../../shared/db/measured-d1";
import { api, registerUser } from "../helpers";

const METRICS_TOKEN = "test-metrics-token";

afterEach(() => clock.reset());

async function scrapeText(): Promise<string> {
  const response = await api("/metrics", { token: METRICS_TOKEN });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return text;
}

function counter(text: string, name: string, labels: Record<string, string>): number {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const series = family?.metrics.find((m) => JSON.stringify((m as { labels?: object }).labels ?? {}) === JSON.stringify(labels));
  return series && "value" in series ? Number(series.value) : 0;
}

function histogramCount(text: string, name: string, module: string): number {
  const match = new RegExp(`^${name}_count\\{module="${module}"\\} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

const validations = (text: string, outcome: string) => counter(text, "identity_token_validations_total", { outcome });

describe("D1 metrics on /metrics", () => {
  it("counts and times the statements of a request under the module whose tables they name", async () => {
    const before = await scrapeText();
    const user = await registerUser();
    for (let i = 0; i < 3; i++) expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    const after = await scrapeText();
    // Registering writes several identity rows; each /v1/me reads the session.
    expect(counter(after, "d1_queries_total", { module: "identity" }) - counter(before, "d1_queries_total", { module: "identity" })).toBeGreaterThanOrEqual(4);
    expect(
      histogramCount(after, "d1_query_duration_seconds", "identity") - histogramCount(before, "d1_query_duration_seconds", "identity"),
    ).toBeGreaterThanOrEqual(4);
    expect(after).toMatch(/^# TYPE d1_query_duration_seconds histogram$/m);
  });

  it("knows each table's module from the schema", () => {
    expect(moduleOfStatement('select "id" from "sessions" where "id" = ?')).toBe("identity");
    expect(moduleOfStatement('insert into "chat_members" ("chat_id") values (?)')).toBe("chat");
    expect(moduleOfStatement('update "oauth_authorizations" set "logout_notified_at" = ?')).toBe("oauth");
    expect(moduleOfStatement("SELECT 1")).toBe("other");
    expect(moduleOfStatement('select "id" from "mls_devices"')).toBe("e2ee");
  });

  it("names every table of every schema file under its module, and nothing else", () => {
    const schemaFiles = import.meta.glob<Record<string, unknown>>("../../shared/db/schema/*.ts", { eager: true });
    // A schema file is named for its module, but for the studio's parts and the jobs board's tables.
    const moduleOfFile = (file: string) => {
      const name = file.replace(/^.*\/|\.ts$/g, "");
      return name.startsWith("studio") ? "studio" : name === "jobs" ? "jobs-board" : name;
    };
    const fromSchema: Record<string, string[]> = {};
    for (const [file, exports] of Object.entries(schemaFiles)) {
      if (file.endsWith("/index.ts")) continue;
      for (const value of Object.values(exports)) if (is(value, SQLiteTable)) (fromSchema[moduleOfFile(file)] ??= []).push(getTableName(value));
    }
    const sorted = (tables: Record<string, readonly string[]>) =>
      Object.fromEntries(Object.entries(tables).map(([module, names]) => [module, [...names].sort()]));
    expect(sorted(TABLES_OF_MODULE)).toEqual(sorted(fromSchema));
  });
});

describe("token validations on /metrics", () => {
  it("counts ok, expired, revoked and forged tokens", async () => {
    const before = await scrapeText();
    const user = await registerUser();
    const other = await registerUser();
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(200);
    // forged: the signature of another token
    const [header, payload] = user.accessToken.split(".");
    const forged = `${header}.${payload}.${other.accessToken.split(".")[2]}`;
    expect((await api("/v1/me", { token: forged })).status).toBe(401);
    expect((await api("/v1/me", { token: "not.a.jwt" })).status).toBe(401);
    // revoked: the session ended
    expect((await api("/v1/auth/logout", { method: "POST", token: other.accessToken })).status).toBe(204);
    expect((await api("/v1/me", { token: other.accessToken })).status).toBe(401);
    // expired: past its lifetime
    clock.advance(2 * 3600_000);
    expect((await api("/v1/me", { token: user.accessToken })).status).toBe(401);
    clock.reset();
    const after = await scrapeText();
    expect(validations(after, "ok") - validations(before, "ok")).toBeGreaterThanOrEqual(2);
    expect(validations(after, "forged") - validations(before, "forged")).toBeGreaterThanOrEqual(2);
    expect(validations(after, "revoked") - validations(before, "revoked")).toBeGreaterThanOrEqual(1);
    expect(validations(after, "expired") - validations(before, "expired")).toBeGreaterThanOrEqual(1);
  });
});
