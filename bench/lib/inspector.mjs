// A Worker under `wrangler dev` seen through its inspector (the Chrome DevTools protocol that
// `wrangler dev --inspector-port` serves), so a bench can say where the time and the memory go
// instead of guessing:
//   - a CPU profile of a load, written as a .cpuprofile (open it in Chrome's DevTools, Performance
//     tab) and summarised as the functions with the most self time;
//   - the allocations of the same load (V8's sampling heap profiler, the garbage included), written
//     as a .heapprofile (DevTools, Memory tab) and summarised as the functions that allocate most;
//   - the isolate's V8 heap in use, which decides what one garbage collection costs;
//   - a heap snapshot: every object a full collection finds live (bench/lib/heap-snapshot.mjs).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The calls whose result is read (the others may be answered by the proxy's echo). */
const RESULT_METHODS = new Set(["Runtime.getHeapUsage", "Profiler.stop", "HeapProfiler.stopSampling"]);

/**
 * A DevTools protocol session with the user Worker's isolate on inspector `port` (its Durable
 * Objects run in it too), not wrangler's own proxy Workers; or, given a `ws:` URL, with the isolate
 * that URL names (a Worker of the runtime's own inspector, see runtimeInspectorUrl). Waits up to
 * 30 s for the inspector.
 * @param {number | string} port
 */
async function connectInspector(port) {
  if (typeof port === "string") return openSession(port, port.slice(port.lastIndexOf("/") + 1));
  const deadline = Date.now() + 30_000;
  let targets;
  for (;;) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
      if (targets.length > 0) break;
    } catch {
      // the inspector is not up yet
    }
    if (Date.now() > deadline) throw new Error(`no inspector target on port ${port}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const target = targets.find((t) => !/^(core|__)/.test(t.title ?? "")) ?? targets[0];
  return openSession(target.webSocketDebuggerUrl, target.title);
}

async function openSession(url, title) {
  // The inspector proxy refuses a socket without an allowed Origin (undici sends a User-Agent).
  const socket = new WebSocket(url, { headers: { origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`inspector socket ${url} failed`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  /** @type {Map<string, (params: any) => void>} */
  const listeners = new Map();
  socket.addEventListener("message", (event) => {
    const reply = JSON.parse(String(event.data));
    // An event has no id; an answer has its call's, even workerd's answer to a heap snapshot, which
    // echoes the call (method and params) once the last chunk is sent.
    if (reply.id === undefined) return listeners.get(reply.method)?.(reply.params);
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    // wrangler's inspector proxy answers some calls it handles itself (Profiler.enable) by echoing
    // the request, with no result: enough for a call whose result is not used, never for one whose is.
    if (!("result" in reply || "error" in reply) && waiting.needsResult) return;
    pending.delete(reply.id);
    if (reply.error) waiting.reject(new Error(`${waiting.method}: ${reply.error.message}`));
    else waiting.resolve(reply.result);
  });
  // A session the inspector ends fails every call still waiting, instead of leaving it unanswered.
  socket.addEventListener("close", (event) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${waiting.method}: the inspector closed the session (${event.code} ${event.reason})`));
    pending.clear();
  });
  /** @type {(method: string, params?: object) => Promise<any>} */
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, method, needsResult: RESULT_METHODS.has(method) });
      socket.send(JSON.stringify({ id, method, params }));
    });
  /** @type {(method: string, listener: (params: any) => void) => void} */
  const on = (method, listener) => listeners.set(method, listener);
  return { title, call, on, close: () => socket.close() };
}

/**
 * The V8 heap the isolate on inspector `port` has in use (MB), garbage not yet collected included.
 * The live part of it is what every full collection has to mark, so the same load pauses a large
 * isolate longer than a small one.
 * @param {number | string} port  an inspector port, or a Worker's DevTools URL
 */
export async function heapInUse(port) {
  const inspector = await connectInspector(port);
  try {
    return await heapOf(inspector.call);
  } finally {
    inspector.close();
  }
}

/**
 * Reads the isolate's heap in use every `everyMs` until `stop()`, which returns the collections
 * seen: each fall of the heap by more than `fallBytes` between two readings, with when it came (ms
 * since the watch began) and the heap before and after. A major collection falls to what the
 * isolate really holds; a young-generation one frees less, though more than 1 MB once that
 * generation has grown, so the heap after a fall tells which it was. With each, the runtime's C++
 * heap in use before and after (`embedderHeapUsedSize`; undefined where the runtime does not say).
 * Through its own session: while it runs, no other client can read the
 * isolate (the inspector serves one at a time).
 * @param {number | string} port  an inspector port, or a Worker's DevTools URL
 */
export async function watchHeap(port, { everyMs = 10, fallBytes = 1e6 } = {}) {
  const inspector = await connectInspector(port);
  const started = performance.now();
  const readings = [];
  let watching = true;
  const done = (async () => {
    while (watching) {
      const { usedSize, embedderHeapUsedSize } = await inspector.call("Runtime.getHeapUsage");
      readings.push([performance.now() - started, usedSize, embedderHeapUsedSize]);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      watching = false;
      await done.catch(() => undefined);
      inspector.close();
      const collections = [];
      for (let i = 1; i < readings.length; i++) {
        const [at, after, cppAfter] = readings[i];
        const [, before, cppBefore] = readings[i - 1];
        if (before - after > fallBytes) collections.push({ at, before, after, cppBefore, cppAfter });
      }
      return { readings: readings.length, collections };
    },
  };
}

/**
 * A heap snapshot of the isolate on inspector `port`, written to `file` (.heapsnapshot) and
 * returned parsed. Taking it runs a full collection first, so a load should be over before it is
 * taken. Through workerd's own inspector (runtimeInspectorUrl) it takes well under a second for a
 * room's isolate; the session must be the isolate's only one.
 * @param {number | string} port  an inspector port, or a Worker's DevTools URL
 * @param {string} file
 */
export async function takeHeapSnapshot(port, file) {
  const inspector = await connectInspector(port);
  try {
    const chunks = [];
    inspector.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => chunks.push(chunk));
    await inspector.call("HeapProfiler.enable");
    await inspector.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false, captureNumericValue: false });
    const text = chunks.join("");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return JSON.parse(text);
  } finally {
    inspector.close();
  }
}

async function heapOf(call) {
  const { usedSize } = await call("Runtime.getHeapUsage");
  return usedSize / 1e6;
}

/**
 * Connects to the inspector on `port` and returns `start()`/`stop(file)`: between them the CPU is
 * sampled every 100 µs and an allocation every 4 KiB on average (garbage included; with
 * `survivorsOnly`, only what outlived a young-generation collection: what fills the old
 * generation, so what sets how often a full collection stops the isolate).
 * @param {number | string} port  an inspector port, or a Worker's DevTools URL
 * @param {{ survivorsOnly?: boolean }} [options]
 */
export async function attachProfiler(port, { survivorsOnly = false } = {}) {
  const { title, call, close } = await connectInspector(port);
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 100 });
  return {
    title,
    async start() {
      await call("Profiler.start");
      await call("HeapProfiler.startSampling", {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: !survivorsOnly,
      });
    },
    /** Stops sampling, writes `file` (.cpuprofile) and the allocations beside it (.heapprofile), and returns their summaries. */
    async stop(file) {
      const { profile: allocations } = await call("HeapProfiler.stopSampling");
      const { profile } = await call("Profiler.stop");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      writeFileSync(file.replace(/\.cpuprofile$/, ".heapprofile"), JSON.stringify(allocations));
      return { ...summarizeProfile(profile), allocations: summarizeAllocations(allocations) };
    },
    /**
     * From now on, every allocation is sampled (one every 8 KiB on average) and kept only while it
     * lives: `liveStop` then says what the isolate still holds of what it allocated since, and
     * where.
     */
    async liveStart() {
      await call("HeapProfiler.startSampling", { samplingInterval: 8192, includeObjectsCollectedByMajorGC: false, includeObjectsCollectedByMinorGC: false });
    },
    /**
     * What `liveStart`'s sampling still holds, written to `file` (.heapprofile) and summarised. The
     * garbage since the isolate's last major collection is still in it: workerd's inspector never
     * answers a forced collection (HeapProfiler.collectGarbage), and a snapshot's (takeHeapSnapshot)
     * would need a session of its own.
     */
    async liveStop(file) {
      const { profile } = await call("HeapProfiler.stopSampling");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      return summarizeAllocations(profile);
    },
    /** heapInUse through this session (the inspector serves one client at a time). */
    heapInUse: () => heapOf(call),
    close,
  };
}

/** Bytes allocated per function (name, file and line), the largest first, and the total sampled. */
export function summarizeAllocations(profile) {
  const selfBytes = new Map();
  let total = 0;
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url ? `${url.split("/").slice(-2).join("/")}:${lineNumber + 1}` : ""}`.trim();
    selfBytes.set(key, (selfBytes.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile.head);
  const top = [...selfBytes].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
  return { bytes: total, top: top.map(([fn, bytes]) => ({ fn, bytes })) };
}

/**
 * Self time per function (name, file and line), the largest first, and the total time the isolate
 * was busy (every sample not in "(idle)" or "(program)").
 */
export function summarizeProfile(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  // An anonymous function is named by the nearest named caller, so a closure is found in the source.
  const nameOf = (node) => {
    for (let at = node; at; at = parents.get(at.id))
      if (at.callFrame.functionName) return at === node ? at.callFrame.functionName : `(anonymous in ${at.callFrame.functionName})`;
    return "(anonymous)";
  };
  const selfMicros = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const dt = deltas[i + 1] ?? 0;
    const { url, lineNumber } = node.callFrame;
    const key = `${nameOf(node)} ${url ? `${url.split("/").slice(-2).join("/")}:${lineNumber + 1}` : ""}`.trim();
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + dt);
  }
  const idle = new Set(["(idle)", "(program)"]);
  let busy = 0;
  for (const [key, micros] of selfMicros) if (!idle.has(key)) busy += micros;
  const top = [...selfMicros].filter(([key]) => !idle.has(key)).sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, wallMs: (profile.endTime - profile.startTime) / 1000, top: top.map(([fn, micros]) => ({ fn, ms: micros / 1000 })) };
}
