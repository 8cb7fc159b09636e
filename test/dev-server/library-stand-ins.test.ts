// bench:chat -- --bare-code realtime-without-libraries and bench:heap measure the realtime Worker's
// code with zod and drizzle replaced by stand-ins. The figures mean something only if that code
// runs to its end with them (every module's top level, schemas and tables included) and nothing of
// the libraries is left in the bundle, which is what is checked here, on the real code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPLACED_LIBRARIES, writeConfigWithStandIns, writeStandIns } from "../../bench/bare-broadcast/library-stand-ins.mjs";
import { bundleForNode } from "../../bench/lib/node-bundle.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "library-stand-ins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The stand-in module of `library` among the files written. */
function standInOf(aliases: Record<string, string>, library: string): string {
  const file = aliases[library];
  if (!file) throw new Error(`no stand-in written for ${library}`);
  return file;
}

describe("the libraries' stand-ins", () => {
  it("export every name the real library exports", async () => {
    const aliases = await writeStandIns(path.join(dir, "names"));
    expect(Object.keys(aliases).sort()).toEqual([...REPLACED_LIBRARIES].sort());
    for (const library of REPLACED_LIBRARIES) {
      const real = Object.keys(await import(library)).filter((name) => name !== "default");
      const standIn = Object.keys(await import(standInOf(aliases, library)));
      expect(standIn, library).toEqual(expect.arrayContaining(real));
    }
  });

  it("answer what a module's top level does with a library: schemas, chains, classes, strings, awaits", async () => {
    const aliases = await writeStandIns(path.join(dir, "answers"));
    const { z } = await import(standInOf(aliases, "zod"));
    const { sqliteTable, text } = await import(standInOf(aliases, "drizzle-orm/sqlite-core"));
    const schema = z
      .object({ name: z.string().min(1).max(10), kind: z.enum(["a", "b"]) })
      .extend({ at: z.number().int() })
      .optional();
    expect(schema).toBe(z);
    // Each library has a stand-in of its own, which answers with itself.
    expect(sqliteTable("users", { id: text("id").primaryKey() })).toBe(sqliteTable);
    class Extended extends z.ZodType {}
    expect(new Extended()).toBe(z);
    expect(`${schema.description}`).toBe("");
    // Not a promise: an await of it gives it back.
    expect(await schema).toBe(schema);
  });
});

describe("the realtime Worker's code with the stand-ins", () => {
  it("bundles without zod or drizzle and runs its top level to the end", async () => {
    const configPath = await writeConfigWithStandIns(path.join(dir, "config"));
    const config = readFileSync(configPath, "utf8");
    const aliases = Object.fromEntries([...config.matchAll(/^"([^"]+)" = "([^"]+)"$/gm)].map((match) => [match[1], match[2]]));
    expect(Object.keys(aliases).sort()).toEqual([...REPLACED_LIBRARIES].sort());
    // The rest of the config is the bare room with the realtime Worker's code, bundled as that Worker is.
    expect(config).toMatch(/^minify = true$/m);
    expect(config).toMatch(/^compatibility_flags = \["nodejs_als"\]$/m);
    expect(config).toContain(`main = ${JSON.stringify(path.join(root, "bench", "bare-broadcast", "with-realtime-code.js"))}`);

    const outfile = path.join(dir, "realtime.mjs");
    const metafile = await bundleForNode({
      source: 'export * from "./workers/realtime/index"; export { default } from "./workers/realtime/index";',
      outfile,
      aliases,
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => /node_modules\/(zod|drizzle-orm|@hono\/zod-openapi|@asteasolutions)\//.test(input))).toEqual([]);
    expect(inputs.some((input) => input.endsWith("durable-objects/chat-room.ts"))).toBe(true);

    const run = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", `const m = await import(${JSON.stringify(outfile)}); console.log(Object.keys(m).sort().join(","));`],
      {
        encoding: "utf8",
      },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("CallRoom,CallSession,ChatFanout,ChatRoom,UserHub,default");
  });
});
