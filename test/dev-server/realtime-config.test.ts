// The realtime Worker's config as npm run dev and npm run deploy run it (scripts/realtime-config.mjs),
// and the checks npm run check:deploy makes between it and the API Worker's.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { apiMigrationsWithout, platformConfigs, realtimeClasses, realtimeWorkerFindings, transferMigrations, varsOfArgs, writeRealtimeConfig } from "../../scripts/realtime-config.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the realtime Worker's config", () => {
  it("agrees with the API Worker's: every script_name binding of the one names a class the other hosts and creates", () => {
    const { api, realtime } = platformConfigs();
    expect(realtimeWorkerFindings(api, realtime)).toEqual([]);
    const bound = api.durable_objects.bindings.filter((b: { script_name?: string }) => b.script_name).map((b: { class_name: string }) => b.class_name);
    expect(bound.sort()).toEqual(["CallRoom", "CallSession", "ChatFanout", "ChatRoom", "UserHub"]);
  });

  it("finds a binding to a class the realtime Worker does not host, or to another Worker", () => {
    const { api, realtime } = platformConfigs();
    const bindings = [...api.durable_objects.bindings, { name: "X", class_name: "Missing", script_name: realtime.name }, { name: "Y", class_name: "Z", script_name: "other" }];
    const findings = realtimeWorkerFindings({ ...api, durable_objects: { bindings } }, realtime);
    expect(findings.map((f: { subject: string }) => f.subject)).toEqual(["X", "Y"]);
  });

  it("runs with the API Worker's [vars], the run's overrides over them, and its paths resolved", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "realtime-config-"));
    const written = parse(readFileSync(writeRealtimeConfig({ directory, vars: { RATE_LIMIT_CHAT_MESSAGES: "2/60" } }), "utf8")) as {
      vars: Record<string, string>;
      main: string;
      migrations: unknown[];
      alias: Record<string, string>;
    };
    const { api } = platformConfigs();
    expect(written.vars).toEqual({ ...api.vars, RATE_LIMIT_CHAT_MESSAGES: "2/60" });
    expect(written.main).toBe(path.join(root, "workers", "realtime", "index.ts"));
    expect(written.alias).toEqual({ zod: path.join(root, "shared", "zod-without-locales.ts") });
    expect(written.migrations).toEqual([
      { tag: "v1", new_sqlite_classes: ["UserHub", "ChatRoom", "CallSession", "CallRoom"] },
      { tag: "v2", new_sqlite_classes: ["ChatFanout"] },
    ]);
  });

  it("reads the --var overrides of a wrangler dev command line", () => {
    expect(varsOfArgs(["--port", "1", "--var", "A:b:c", "--var=B:2", "--var", "A:d"])).toEqual({ A: "d", B: "2" });
  });

  it("moves its classes from the API Worker on a deployment and creates the ones that were never there, or creates them all on a new account (scripts/deploy.mjs)", () => {
    const { api, realtime } = platformConfigs();
    expect(transferMigrations(realtime, api.name)).toEqual([
      {
        tag: "v1",
        transferred_classes: ["UserHub", "ChatRoom", "CallSession", "CallRoom"].map((name) => ({ from: name, from_script: "edge-platform", to: name })),
      },
      { tag: "v2", new_sqlite_classes: ["ChatFanout"] },
    ]);
    const first = apiMigrationsWithout(api, realtimeClasses(realtime));
    expect(first.map((m: { tag: string }) => m.tag)).toEqual(api.migrations.map((m: { tag: string }) => m.tag));
    expect(first.flatMap((m: { new_sqlite_classes: string[] }) => m.new_sqlite_classes)).toEqual(["RateLimiter", "MetricsStore", "VideoViews"]);
  });
});
