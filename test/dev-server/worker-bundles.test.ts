// What each Worker's bundle holds, as `wrangler deploy` builds it (docs/performance.md, "Startup"):
// every module in a bundle is parsed by every cold isolate, and most run their top level, so
// what an isolate does not use stays out. Sizes are measured by bench:startup, not asserted here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { localWranglerEnv } from "../../scripts/local-wrangler-env.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), "worker-bundles-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Bundle {
  /** The project files and packages the bundle carries code of, relative to the project. */
  modules: string[];
  /** The bundle's JavaScript, as deployed. */
  code: string;
}

/** A Worker's bundle as `wrangler deploy` builds it. */
function bundleOf(config: string): Bundle {
  const name = path.basename(path.dirname(config)) || "api";
  const metafile = path.join(scratch, `${name}.json`);
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "-c", config, "--outdir", path.join(scratch, name), "--metafile", metafile],
    { cwd: root, encoding: "utf8", env: localWranglerEnv(`bundles-${name}`) },
  );
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const configDirectory = path.dirname(path.join(root, config));
  const modules = Object.values(meta.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([input]) => path.relative(root, path.resolve(configDirectory, input))),
  );
  const code = Object.keys(meta.outputs)
    .filter((output) => output.endsWith(".js"))
    .map((output) => readFileSync(path.resolve(configDirectory, output), "utf8"))
    .join("\n");
  return { modules, code };
}

/**
 * esbuild heads each module's code with a `// <path>` comment line unless it minifies. A minified bundle
 * keeps less on every isolate's heap (the source is held for the isolate's life) and makes each
 * full collection shorter (docs/performance.md, "minified Workers").
 */
const isMinified = (bundle: Bundle) => bundle.code.length > 0 && !/^\/\/ \S+\.(ts|js|mjs)$/m.test(bundle.code);

/** zod's locales but English (its default); the locales' index may remain as an empty module. */
const zodLocales = (modules: string[]) => modules.filter((m) => /node_modules\/zod\/v4\/locales\/(?!en\.js$|index\.js$)/.test(m));

describe("the Workers' bundles", () => {
  it("the realtime Worker is minified and carries no route, no other module's schemas or tables, and no zod locale", () => {
    const bundle = bundleOf("workers/realtime/wrangler.toml");
    const { modules } = bundle;
    expect(isMinified(bundle)).toBe(true);
    expect(modules).toContain("durable-objects/chat-room.ts");
    expect(modules.filter((m) => m.startsWith("workers/api/"))).toEqual([]);
    for (const schemas of ["shared/chat/schemas.ts", "shared/jobs-board/schemas.ts", "shared/video/model.ts", "shared/studio/generation/asset-frame.ts"])
      expect(modules, schemas).not.toContain(schemas);
    for (const tables of ["jobs", "studio", "studio-providers", "studio-generation", "video", "oauth"])
      expect(modules, tables).not.toContain(`shared/db/schema/${tables}.ts`);
    expect(zodLocales(modules)).toEqual([]);
  }, 120_000);

  it("the API Worker is minified and carries no zod locale", () => {
    const bundle = bundleOf("wrangler.toml");
    const { modules } = bundle;
    expect(isMinified(bundle)).toBe(true);
    expect(modules).toContain("shared/zod-without-locales-exports.ts");
    expect(zodLocales(modules)).toEqual([]);
  }, 120_000);
});
