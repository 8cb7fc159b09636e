// npm run restore -- --from <dir> --url <base URL> (--local [--persist-to <dir>] | --remote):
// writes a backup of `npm run backup` into a platform whose D1 has the same migrations. Durable
// Objects and R2 go through the admin endpoints (with the target's admin), then D1 through
// `wrangler d1 execute`, last, because it replaces the accounts the admin signed in with.
// See docs/operations.md.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { adminClient, objectFile, objectPath, parseArgs, sha256Hex } from "./backup-client.mjs";
import { localWranglerEnv } from "./local-wrangler-env.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = parseArgs(process.argv.slice(2));
if (typeof args.from !== "string" || (!args.local && !args.remote) || (args.local && args.remote)) {
  console.error(
    "usage: npm run restore -- --from <dir> [--url http://127.0.0.1:8787] (--local [--persist-to <dir>] | --remote) [--config wrangler.toml]\n" +
      "  credential: BACKUP_TOKEN, or BACKUP_EMAIL and BACKUP_PASSWORD (an admin of the target)",
  );
  process.exit(2);
}
const from = path.resolve(args.from);
const manifest = JSON.parse(readFileSync(path.join(from, "manifest.json"), "utf8"));
const api = adminClient(typeof args.url === "string" ? args.url : "http://127.0.0.1:8787");

// The rows fit only the schema they were read from.
const target = await api.json("/backup");
if (JSON.stringify(target.migrations) !== JSON.stringify(manifest.database.migrations)) {
  console.error(
    `The target's D1 migrations differ from the backup's.\n  backup: ${manifest.database.migrations.join(", ")}\n  target: ${target.migrations.join(", ")}\n` +
      "Deploy the code the backup was taken with and apply its migrations (docs/operations.md), then restore.",
  );
  process.exit(1);
}

/** Pages of at most 500 rows and about 512 KB, below MAX_BODY_BYTES. */
function* chunks(rows) {
  let chunk = [];
  let size = 0;
  for (const row of rows) {
    const length = JSON.stringify(row).length;
    if (chunk.length > 0 && (chunk.length >= 500 || size + length > 512_000)) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(row);
    size += length;
  }
  if (chunk.length > 0) yield chunk;
}

for (const [kind, names] of Object.entries(manifest.objects)) {
  for (const name of names) {
    const { description, tables, keys } = JSON.parse(readFileSync(path.join(from, "objects", kind, objectFile(name)), "utf8"));
    const route = `/restore/objects/${kind}/${encodeURIComponent(name)}`;
    await api.post(route, { op: "reset", schema: description.schema });
    for (const [table, { columns, rows }] of Object.entries(tables)) {
      for (const chunk of chunks(rows)) await api.post(route, { op: "insert", table, columns, rows: chunk });
    }
    for (const chunk of chunks(keys)) await api.post(route, { op: "put", entries: chunk });
    await api.post(route, { op: "finish", alarm: description.alarm, afterImport: description.afterImport });
  }
  console.log(`${kind}: ${names.length} objects restored`);
}

const files = JSON.parse(readFileSync(path.join(from, "files", "index.json"), "utf8"));
for (const file of files) {
  const bytes = readFileSync(objectPath(from, file.key));
  if (sha256Hex(bytes) !== file.sha256) throw new Error(`${file.key}: the backup's copy does not have the SHA-256 recorded when it was taken`);
  await api.call(`/restore/file?key=${encodeURIComponent(file.key)}`, {
    method: "PUT",
    headers: {
      "content-length": String(bytes.length),
      "x-content-sha256": file.sha256,
      "x-backup-metadata": encodeURIComponent(JSON.stringify({ httpMetadata: file.httpMetadata, customMetadata: file.customMetadata })),
    },
    body: bytes,
  });
}
console.log(`r2: ${files.length} objects restored`);

/** A portable value (backup-client's format) as an SQL literal. */
function literal(value) {
  if (value === null) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (value && value.$ === "bytes") return `X'${Buffer.from(value.base64, "base64").toString("hex")}'`;
  if (value && value.$ === "number") return value.value === "NaN" ? "NULL" : value.value === "Infinity" ? "9e999" : "-9e999";
  throw new Error(`A D1 cell holds ${JSON.stringify(value)}, which has no SQL literal`);
}
const quote = (name) => `"${name.replaceAll('"', '""')}"`;

// D1: one SQL file that empties every copied table (children first) and inserts the backup's
// rows (parents first); triggers rebuild the search indexes and counts as the rows go in.
const sql = ["PRAGMA defer_foreign_keys = true;"];
for (const table of [...manifest.database.tables].reverse()) sql.push(`DELETE FROM ${quote(table.name)};`);
for (const table of manifest.database.derived) if (!/external-content/.test(table.why)) sql.push(`DELETE FROM ${quote(table.name)};`);
for (const table of manifest.database.tables) {
  const file = path.join(from, "d1", `${table.name}.jsonl`);
  if (!existsSync(file)) continue;
  let columns = null;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line) continue;
    if (columns === null) {
      columns = JSON.parse(line).columns.map(quote).join(", ");
      continue;
    }
    sql.push(`INSERT INTO ${quote(table.name)} (${columns}) VALUES (${JSON.parse(line).map(literal).join(", ")});`);
  }
}
const sqlFile = path.join(from, "restore-d1.sql");
writeFileSync(sqlFile, `${sql.join("\n")}\n`);

const wranglerArgs = ["d1", "execute", typeof args.database === "string" ? args.database : "DB", "--file", sqlFile, "--yes"];
if (typeof args.config === "string") wranglerArgs.push("--config", args.config);
if (args.remote) wranglerArgs.push("--remote");
else wranglerArgs.push("--local", ...(typeof args["persist-to"] === "string" ? ["--persist-to", args["persist-to"]] : []));
const wrangler = spawnSync(process.execPath, [path.join(root, "node_modules", "wrangler", "bin", "wrangler.js"), ...wranglerArgs], {
  cwd: root,
  encoding: "utf8",
  env: args.remote ? process.env : { ...localWranglerEnv("restore"), CI: "true" },
});
if (wrangler.status !== 0) {
  console.error(
    `wrangler d1 execute failed (the Durable Objects and R2 objects are already restored; fix and run again):\n${wrangler.stdout}\n${wrangler.stderr}`,
  );
  process.exit(1);
}
console.log(`d1: ${manifest.database.tables.reduce((n, t) => n + t.rows, 0)} rows in ${manifest.database.tables.length} tables restored`);
console.log("Restored. Accounts and sessions are the backup's: sign in with an account from it.");
