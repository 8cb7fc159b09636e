// For `npm run bench:chat -- --bare-code realtime-without-libraries`: the bare rooms load the
// realtime Worker's code as `--bare-code realtime` does, but with zod and drizzle (and the zod-based
// libraries on them) replaced by stand-ins. What that isolate holds is then the code without those
// libraries and without what the code builds with them at load (its frame and config schemas, its
// tables): the most a rooms' isolate without them could save a full collection, measured before
// anyone writes a second way to validate frames or to query D1 (docs/performance.md).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The libraries replaced: every import of them in the realtime Worker's bundle. */
export const REPLACED_LIBRARIES = [
  "zod",
  "drizzle-orm",
  "drizzle-orm/sqlite-core",
  "drizzle-orm/d1",
  "@hono/zod-openapi",
  "@asteasolutions/zod-to-openapi",
  "@hono/zod-validator",
];

// One object that answers any property, call and construction with itself, so each module's top
// level runs to its end (a schema or a table built from it is the stand-in again) and keeps nothing.
// `then` stays undefined so that nothing takes it for a promise, and it turns into "" in a string.
const STAND_IN = `const handler = {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => "" : key === Symbol.iterator ? function* () {} : key === "then" ? undefined : standIn),
  apply: () => standIn,
  construct: () => standIn,
  has: () => true,
  set: () => true,
};
const standIn = new Proxy(function () {}, handler);
`;

/**
 * Writes a stand-in module for each library into `dir`, exporting the real one's names so that
 * every import resolves; returns the alias map (library -> file) a bundler takes.
 * @returns {Promise<Record<string, string>>}
 */
export async function writeStandIns(dir) {
  mkdirSync(dir, { recursive: true });
  const aliases = {};
  for (const library of REPLACED_LIBRARIES) {
    const names = Object.keys(await import(library)).filter((name) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name));
    const file = path.join(dir, `${library.replace(/[@/]/g, "_")}.js`);
    // `export { standIn as catch }` also takes the names that are reserved words.
    writeFileSync(file, `${STAND_IN}export { ${names.map((name) => `standIn as ${name}`).join(", ")} };\nexport default standIn;\n`);
    aliases[library] = file;
  }
  return aliases;
}

/**
 * Writes the stand-ins and a wrangler config into `dir`: `wrangler.realtime-code.toml` with its
 * aliases replaced by the stand-ins. Returns the config's path.
 */
export async function writeConfigWithStandIns(dir) {
  const aliases = Object.entries(await writeStandIns(dir)).map(([library, file]) => `${JSON.stringify(library)} = ${JSON.stringify(file)}`);
  const base = readFileSync(path.join(here, "wrangler.realtime-code.toml"), "utf8");
  const config = base
    .replace(/^main = .*$/m, `main = ${JSON.stringify(path.join(here, "with-realtime-code.js"))}`)
    .replace(/^\[alias\]\n(?:".*\n)*/m, `[alias]\n${aliases.join("\n")}\n`);
  if (!config.includes(aliases[0])) throw new Error("wrangler.realtime-code.toml has no [alias] table to replace");
  const configPath = path.join(dir, "wrangler.toml");
  writeFileSync(configPath, config);
  return configPath;
}
