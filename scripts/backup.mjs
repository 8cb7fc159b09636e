// npm run backup -- --out <dir> [--url <base URL>]: every store of a running platform (local
// `npm run dev` or a deployed Worker) into a directory. See docs/operations.md.
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { adminClient, OBJECT_KINDS, objectFile, objectPath, parseArgs, sha256Hex } from "./backup-client.mjs";

const args = parseArgs(process.argv.slice(2));
if (typeof args.out !== "string") {
  console.error(
    "usage: npm run backup -- --out <dir> [--url http://127.0.0.1:8787]\n  credential: BACKUP_TOKEN, or BACKUP_EMAIL and BACKUP_PASSWORD (an admin)",
  );
  process.exit(2);
}
const out = path.resolve(args.out);
const api = adminClient(typeof args.url === "string" ? args.url : "http://127.0.0.1:8787");
const startedAt = new Date().toISOString();

/** Every page of a paged row listing, written as JSON lines: the columns first, then one row a line. */
async function copyRows(route, file) {
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  let after = 0;
  let count = 0;
  let columnsWritten = false;
  for (;;) {
    const page = await api.json(`${route}?after=${after}&limit=500`);
    if (!columnsWritten && page.columns.length > 0) {
      stream.write(`${JSON.stringify({ columns: page.columns })}\n`);
      columnsWritten = true;
    }
    for (const row of page.rows) if (!stream.write(`${JSON.stringify(row)}\n`)) await once(stream, "drain");
    count += page.rows.length;
    if (page.next === null) break;
    after = page.next;
  }
  stream.end();
  await once(stream, "close");
  return count;
}

// D1: every table a backup copies, in restore order.
const database = await api.json("/backup");
for (const table of database.tables) {
  const rows = await copyRows(`/backup/tables/${table.name}`, path.join(out, "d1", `${table.name}.jsonl`));
  console.log(`d1 ${table.name}: ${rows} rows`);
}

// Durable Objects: each instance D1 names, with whatever it holds.
const objects = {};
for (const kind of OBJECT_KINDS) {
  objects[kind] = [];
  let after = null;
  do {
    const page = await api.json(`/backup/objects/${kind}${after ? `?after=${encodeURIComponent(after)}` : ""}`);
    for (const name of page.names) {
      const base = `/backup/objects/${kind}/${encodeURIComponent(name)}`;
      const description = await api.json(base);
      if (description.tables.every((t) => t.rows === 0) && description.keys === 0 && description.alarm === null) continue;
      const tables = {};
      for (const table of description.tables) {
        const rows = [];
        let columns = [];
        let from = 0;
        for (;;) {
          const rowPage = await api.json(`${base}/tables/${encodeURIComponent(table.name)}?after=${from}&limit=500`);
          if (rowPage.columns.length > 0) columns = rowPage.columns;
          rows.push(...rowPage.rows);
          if (rowPage.next === null) break;
          from = rowPage.next;
        }
        tables[table.name] = { columns, rows };
      }
      const keys = [];
      let key = null;
      do {
        const keyPage = await api.json(`${base}/keys${key ? `?after=${encodeURIComponent(key)}` : ""}`);
        keys.push(...keyPage.entries);
        key = keyPage.next;
      } while (key !== null);
      mkdirSync(path.join(out, "objects", kind), { recursive: true });
      writeFileSync(path.join(out, "objects", kind, objectFile(name)), JSON.stringify({ name, description, tables, keys }));
      objects[kind].push(name);
    }
    after = page.next;
  } while (after !== null);
  console.log(`${kind}: ${objects[kind].length} objects with state`);
}

// R2: every object's bytes, its metadata, and the SHA-256 of what was read.
const files = [];
let cursor = null;
do {
  const page = await api.json(`/backup/files${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
  for (const object of page.objects) {
    const response = await api.call(`/backup/file?key=${encodeURIComponent(object.key)}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length !== object.size) throw new Error(`${object.key}: read ${bytes.length} bytes of ${object.size}`);
    const file = objectPath(out, object.key);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    files.push({ key: object.key, size: object.size, sha256: sha256Hex(bytes), httpMetadata: object.httpMetadata, customMetadata: object.customMetadata });
  }
  cursor = page.cursor;
} while (cursor !== null);
mkdirSync(path.join(out, "files"), { recursive: true });
writeFileSync(path.join(out, "files", "index.json"), JSON.stringify(files, null, 1));
console.log(`r2: ${files.length} objects`);

writeFileSync(
  path.join(out, "manifest.json"),
  JSON.stringify({ format: 1, source: api.base, startedAt, finishedAt: new Date().toISOString(), database, objects, files: files.length }, null, 2),
);
console.log(`backup written to ${out}`);
