// bench:chat -- --heap-snapshot summarises a V8 heap snapshot of each room's isolate. The snapshot
// read here is a real one, of a Node process (the same V8 format workerd's inspector streams) that
// holds a 2 MB string (parsed from JSON, so one flat string on the heap, not a Buffer's external one
// or repeat's tree of pieces), so what the summary counts can be checked against what it held.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { heapSnapshotLines, summarizeHeapSnapshot } from "../../bench/lib/heap-snapshot.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "heap-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function snapshotOfAProcessHolding2MB() {
  const file = path.join(dir, "held.heapsnapshot");
  const script = `globalThis.held = JSON.parse(JSON.stringify("x".repeat(2_000_000))); require("node:v8").writeHeapSnapshot(${JSON.stringify(file)});`;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(readFileSync(file, "utf8"));
}

describe("a heap snapshot's summary", () => {
  const snapshot = snapshotOfAProcessHolding2MB();
  const summary = summarizeHeapSnapshot(snapshot);

  it("counts every node once: the kinds add up to the whole", () => {
    const nodeCount = snapshot.nodes.length / snapshot.snapshot.meta.node_fields.length;
    expect(summary.objects).toBe(nodeCount);
    expect(summary.byType.reduce((sum, kind) => sum + kind.count, 0)).toBe(nodeCount);
    expect(summary.byType.reduce((sum, kind) => sum + kind.bytes, 0)).toBe(summary.bytes);
  });

  it("finds the string the process held among the live strings, the largest kind first", () => {
    const strings = summary.byType.find((kind) => kind.name === "string");
    expect(strings?.bytes).toBeGreaterThanOrEqual(2_000_000);
    expect(summary.byType[0]?.bytes).toBe(Math.max(...summary.byType.map((kind) => kind.bytes)));
  });

  it("leaves V8's own internals out of the runtime's objects", () => {
    expect(summary.runtimeObjects.length).toBeGreaterThan(0);
    expect(summary.runtimeObjects.some((entry) => entry.name.startsWith("system / "))).toBe(false);
  });
});

describe("the lines bench:chat prints", () => {
  it("give the live bytes by kind and workerd's objects by name, its shims counted apart", () => {
    const lines = heapSnapshotLines({
      bytes: 6_160_000,
      objects: 104_624,
      byType: [
        { name: "string", count: 22_340, bytes: 2_630_000 },
        { name: "code", count: 29_615, bytes: 1_730_000 },
        { name: "number", count: 100, bytes: 1_000 },
      ],
      runtimeObjects: [
        { name: "InternalNode", count: 102, bytes: 2_448 },
        { name: "CppgcShim", count: 97, bytes: 8_104 },
        { name: "workerd / CppgcShim", count: 97, bytes: 4_656 },
        { name: "workerd / attachment", count: 51, bytes: 18_666 },
        { name: "workerd / DurableObjectNamespace", count: 6, bytes: 912 },
        { name: "undefined", count: 1, bytes: 0 },
      ],
    });
    expect(lines).toEqual([
      "live 6.16 MB in 104624 objects: string 2.63 MB (22340), code 1.73 MB (29615)",
      "the runtime's objects: 97 on the C++ heap (CppgcShim); most numerous: attachment 51, DurableObjectNamespace 6",
    ]);
  });
});
