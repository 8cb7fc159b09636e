// What an isolate holds, read from a V8 heap snapshot (the format DevTools' Memory tab opens, and
// `HeapProfiler.takeHeapSnapshot` streams): every node is one object the collector found live, so
// the snapshot says what each full collection has to mark, which a reading of the heap in use
// (garbage included) cannot. `bench:chat -- --heap-snapshot <dir>` takes one of each room's isolate
// at the end of each load, its sockets still open, and prints this summary.

/**
 * The live bytes and objects of `snapshot` (parsed JSON) by V8's kind of node (strings, compiled
 * code, objects, closures, arrays...), and the runtime's own objects: native nodes other than V8's
 * ("system / ..."), by name. In workerd each JavaScript object backed by C++ (a WebSocket, a
 * binding, Headers) has a `CppgcShim` on the C++ heap that V8 marks with it, so their count is how
 * many such objects each full collection marks there.
 * @param {{ snapshot: { meta: { node_fields: string[], node_types: [string[]] } }, nodes: number[], strings: string[] }} snapshot
 */
export function summarizeHeapSnapshot(snapshot) {
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const typeNames = nodeTypes[0];
  const byType = new Map();
  const runtime = new Map();
  let bytes = 0;
  let objects = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = typeNames[snapshot.nodes[i + typeAt]];
    const size = snapshot.nodes[i + sizeAt];
    objects++;
    bytes += size;
    add(byType, type, size);
    if (type !== "native") continue;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]];
    if (!name.startsWith("system / ")) add(runtime, name, size);
  }
  const sorted = (map, by) => [...map].map(([name, { count, bytes }]) => ({ name, count, bytes })).sort((a, b) => b[by] - a[by]);
  return { bytes, objects, byType: sorted(byType, "bytes"), runtimeObjects: sorted(runtime, "count") };
}

function add(map, key, size) {
  const entry = map.get(key) ?? { count: 0, bytes: 0 };
  entry.count++;
  entry.bytes += size;
  map.set(key, entry);
}

/** The summary as lines to print: the kinds that hold at least 1% of the bytes, and the runtime's most numerous objects. */
export function heapSnapshotLines({ bytes, objects, byType, runtimeObjects }, { runtimeTop = 8 } = {}) {
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  const kinds = byType.filter((kind) => kind.bytes >= bytes / 100).map((kind) => `${kind.name} ${mb(kind.bytes)} (${kind.count})`);
  const shims = runtimeObjects.find((entry) => entry.name === "CppgcShim")?.count ?? 0;
  // workerd names its objects "workerd / <class or field>"; its shims are counted above.
  const named = runtimeObjects.filter((entry) => entry.name.startsWith("workerd / ") && entry.name !== "workerd / CppgcShim").slice(0, runtimeTop);
  return [
    `live ${mb(bytes)} in ${objects} objects: ${kinds.join(", ")}`,
    `the runtime's objects: ${shims} on the C++ heap (CppgcShim); most numerous: ${named.map((entry) => `${entry.name.replace(/^workerd \/ /, "")} ${entry.count}`).join(", ")}`,
  ];
}
