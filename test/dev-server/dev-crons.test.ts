import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPort } from "../../bench/lib/dev-server.mjs";
import { cronMatches, cronsOf } from "../../scripts/dev-crons.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the cron ticker's schedule", () => {
  const at = (iso: string) => new Date(iso);

  it("reads the patterns of wrangler.toml's [triggers]", () => {
    expect(cronsOf(path.join(root, "wrangler.toml"))).toEqual(expect.arrayContaining(["* * * * *", "*/5 * * * *", "17 3 * * *"]));
  });

  it("fires a pattern in the UTC minutes it names, and only those", () => {
    expect(cronMatches("17 3 * * *", at("2026-11-25T03:17:00Z"))).toBe(true);
    expect(cronMatches("17 3 * * *", at("2026-11-25T03:18:00Z"))).toBe(false);
    expect(cronMatches("*/5 * * * *", at("2026-11-25T10:45:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-11-25T10:46:00Z"))).toBe(false);
    expect(cronMatches("* * * * *", at("2026-11-25T10:46:00Z"))).toBe(true);
    expect(cronMatches("0 9 * * 1-5", at("2026-11-25T09:00:00Z"))).toBe(true); // a Wednesday
    expect(cronMatches("0 9 * * 1-5", at("2026-11-29T09:00:00Z"))).toBe(false); // a Sunday
    expect(cronMatches("0 9 * * 7", at("2026-11-29T09:00:00Z"))).toBe(true);
    expect(cronMatches("0 0 1,15 * *", at("2026-11-15T00:00:00Z"))).toBe(true);
    expect(() => cronMatches("* * *", at("2026-11-15T00:00:00Z"))).toThrow(/five fields/);
  });
});

describe("npm run dev ticks the crons", () => {
  const port = testPort(8960);
  const origin = `http://127.0.0.1:${port}`;
  const state = mkdtempSync(path.join(tmpdir(), "dev-crons-"));
  let dev: ChildProcess;
  let output = "";

  beforeAll(async () => {
    // What `npm run dev` runs, on a port and a state directory of its own.
    dev = spawn(process.execPath, [path.join(root, "scripts", "dev.mjs"), "--port", String(port), "--ip", "127.0.0.1", "--persist-to", state], {
      cwd: root,
      env: { ...process.env, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    dev.stdout!.on("data", (chunk) => (output += chunk));
    dev.stderr!.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (dev.exitCode !== null) throw new Error(`npm run dev exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm run dev did not answer:\n${output}`);
      try {
        if ((await fetch(`${origin}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 420_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once("exit", resolve));
      process.kill(-dev.pid!, "SIGTERM");
      const timer = setTimeout(() => dev.exitCode === null && process.kill(-dev.pid!, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(state, { recursive: true, force: true });
  }, 30_000);

  async function call(route: string, init: { token?: string; body?: unknown } = {}) {
    const response = await fetch(`${origin}${route}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${route}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  it("says so in its output, and a scheduled vacancy publishes on the minute's cron", async () => {
    expect(output).toContain("[crons] wrangler dev does not fire cron triggers; this ticks them on their schedule (UTC): ");
    const email = `crons-${Date.now()}@example.com`;
    const { accessToken: token } = await call("/v1/auth/register", { body: { email, password: `a long passphrase for ${email}`, displayName: "Cron Tester" } });
    const company = await call("/v1/companies", { token, body: { name: "Scheduled Co" } });
    const draft = await call("/v1/vacancies", {
      token,
      body: { companyId: company.id, title: "Night shift", role: "backend", employmentType: "full-time", seniority: "senior" },
    });
    const publishAt = new Date(Date.now() + 3_000).toISOString();
    expect(await call(`/v1/vacancies/${draft.id}/publish`, { token, body: { publishAt } })).toMatchObject({ status: "scheduled" });

    // Nobody calls the scheduled endpoint here: only the ticker of npm run dev can publish it.
    const deadline = Date.now() + 140_000;
    let status = "scheduled";
    while (status !== "published" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      status = (await call(`/v1/vacancies/${draft.id}`, { token })).status;
    }
    expect(status, output).toBe("published");
  }, 420_000);
});
