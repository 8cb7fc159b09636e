// npm run bench:heap — how many objects the realtime Worker's code (the chat rooms' isolate) leaves
// on the heap once loaded, and how many of them each library and part brings: what a major garbage
// collection of a room's isolate marks before it has served anything (docs/performance.md).
//
// Each entry is bundled as wrangler bundles the Worker (bench/lib/node-bundle.mjs: esbuild, minified,
// zod aliased to shared/zod-without-locales.ts, the `workerd`/`browser` conditions) and evaluated
// in a Node process of its own, with `cloudflare:workers` replaced by a stub of its names. The count
// is the objects of a V8 heap snapshot after a full collection, with the module kept alive, minus
// the snapshot before it. Node's web globals (WebSocket, crypto, Response...) load lazily on first
// touch, thousands of objects each, so they are touched before the first snapshot: what is left
// is the code's own. workerd holds more per isolate (its own bindings, the unminified source
// under `wrangler dev`), so these figures compare parts, not isolates.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeStandIns } from "./bare-broadcast/library-stand-ins.mjs";
import { machineLine } from "./lib/machine.mjs";
import { bundleForNode } from "./lib/node-bundle.mjs";

const scratch = mkdtempSync(path.join(os.tmpdir(), "bench-heap-"));

/** zod and drizzle replaced by stand-ins that keep nothing (bench/bare-broadcast/library-stand-ins.mjs). */
const WITHOUT_LIBRARIES = await writeStandIns(path.join(scratch, "stand-ins"));

/** What each line loads, as an import from the repository's root, and the aliases it is bundled with beyond zod's. */
const ENTRIES = [
  ["the realtime Worker (workers/realtime/index.ts)", 'export * from "./workers/realtime/index";'],
  ["  the same, zod and drizzle replaced by stand-ins", 'export * from "./workers/realtime/index";', WITHOUT_LIBRARIES],
  ["  ChatRoom alone", 'export * from "./durable-objects/chat-room";'],
  ["  its composition (workers/realtime/composition.ts)", 'export * from "./workers/realtime/composition";'],
  ["  zod, as the Workers load it (no locales)", 'export * from "./shared/zod-without-locales";'],
  ["  zod's core alone (what zod/mini builds on)", 'export * as core from "./node_modules/zod/v4/core/index.js";'],
  ["  every module's vars (shared/config.ts, zod included)", 'export * from "./shared/config";'],
  ["  @hono/zod-openapi (zod included)", 'export * from "@hono/zod-openapi";'],
  ["  drizzle-orm (sqlite-core, d1)", 'export * from "drizzle-orm"; export * from "drizzle-orm/sqlite-core"; export * from "drizzle-orm/d1";'],
  ["  partyserver", 'export * from "partyserver";'],
  ["the minimal Hono + zod Worker (bench/startup/minimal)", 'export { default } from "./bench/startup/minimal/worker";'],
  ["an empty module", "export const nothing = 0;"],
];

const COUNT = `
import { Session } from "node:inspector/promises";
const session = new Session();
session.connect();
async function objects() {
  await session.post("HeapProfiler.collectGarbage");
  const chunks = [];
  const take = (message) => chunks.push(message.params.chunk);
  session.on("HeapProfiler.addHeapSnapshotChunk", take);
  await session.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  session.off("HeapProfiler.addHeapSnapshotChunk", take);
  const snapshot = JSON.parse(chunks.join(""));
  return snapshot.nodes.length / snapshot.snapshot.meta.node_fields.length;
}
for (const name of ["WebSocket", "crypto", "fetch", "Response", "Request", "Headers", "FormData", "ReadableStream", "WritableStream", "TransformStream", "TextEncoder", "TextDecoder", "CompressionStream", "DecompressionStream", "Blob", "File", "EventTarget", "Event", "AbortController", "structuredClone", "BroadcastChannel", "MessageChannel", "performance", "navigator", "CustomEvent", "DOMException"]) void globalThis[name];
void crypto.subtle;
new Response("warm");
const before = await objects();
globalThis.kept = await import(process.argv[2]);
console.log(JSON.stringify({ objects: (await objects()) - before }));
`;

const counter = path.join(scratch, "count.mjs");
writeFileSync(counter, COUNT);

async function objectsOf(source, index, aliases = {}) {
  const outfile = path.join(scratch, `entry-${index}.mjs`);
  await bundleForNode({ source, outfile, aliases });
  const run = spawnSync(process.execPath, [counter, outfile], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`counting ${source} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)).objects;
}

try {
  console.log(machineLine());
  console.log(`Node ${process.version}: objects each part leaves on the heap, after a full collection\n`);
  for (const [index, [label, source, aliases]] of ENTRIES.entries()) {
    console.log(`${label.padEnd(58)} ${String(await objectsOf(source, index, aliases)).padStart(7)}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
