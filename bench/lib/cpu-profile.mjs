// A CPU profile of a Worker under `wrangler dev`, taken through its inspector (the Chrome DevTools
// protocol that `wrangler dev --inspector-port` serves), so a bench can say where the time goes
// instead of guessing. The profile is written as a .cpuprofile (open it in Chrome's DevTools,
// Performance tab) and summarised as the functions with the most self time.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Connects to the inspector on `port` and returns `start()`/`stop(file)`: the time between them is
 * sampled every 100 µs.
 * @param {number} port
 */
export async function attachProfiler(port) {
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
  // The user Worker's isolate (its Durable Objects run in it too), not wrangler's own proxy Workers.
  const target = targets.find((t) => !/^(core|__)/.test(t.title ?? "")) ?? targets[0];
  // The inspector proxy refuses a socket without an allowed Origin (undici sends a User-Agent).
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`inspector socket ${target.webSocketDebuggerUrl} failed`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const reply = JSON.parse(String(event.data));
    const waiting = reply.id !== undefined && pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.error) waiting.reject(new Error(`${waiting.method}: ${reply.error.message}`));
    else waiting.resolve(reply.result);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, method });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 100 });
  return {
    title: target.title,
    start: () => call("Profiler.start"),
    /** Stops sampling, writes the profile to `file` and returns its summary. */
    async stop(file) {
      const { profile } = await call("Profiler.stop");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      return summarizeProfile(profile);
    },
    close: () => socket.close(),
  };
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
