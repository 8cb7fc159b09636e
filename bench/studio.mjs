// Studio generation benchmark against `wrangler dev`, with the built-in development provider
// (dev-image: queued -> running -> succeeded over two polls, a PNG stored in R2 with a thumbnail).
// For 1, 20 and 200 assets requested at once (generate requests of up to 8 assets each, sent
// together), prints generations completed per second and p50/p99 from sending `generate` to the
// owner's hub receiving `asset.updated` with status `completed`; checks each asset completed
// exactly once (and none failed).
//
//   npm run bench:studio
//
// Options: --port <n> (default 8811), --loads 1,20,200, --poll <seconds> (STUDIO_POLL_INTERVAL_SECONDS, default 1),
// --size <pixels> (dev-image width and height, default 256).
import { parseArgs } from "node:util";
import { startDevServer, summarize } from "./lib/dev-server.mjs";

const fmt = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: "8811" },
    loads: { type: "string", default: "1,20,200" },
    poll: { type: "string", default: "1" },
    size: { type: "string", default: "256" },
  },
});
const PORT = Number(options.port);
const LOADS = options.loads.split(",").map(Number);
const SIZE = Number(options.size);
/** Assets per generate request (the API's most). */
const PER_REQUEST = 8;
/** After the last completion, how long to keep listening for a second `completed` of any asset. */
const DUPLICATE_WATCH_MS = 3000;
const LOAD_DEADLINE_MS = 300_000;

async function call(base, path, { token, body, method } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: method ?? (body ? "POST" : "GET"),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method ?? (body ? "POST" : "GET")} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function openHub(base, ticket) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/v1/realtime?ticket=${encodeURIComponent(ticket)}`);
    const timer = setTimeout(() => reject(new Error("hub socket did not open within 10 s")), 10_000);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.addEventListener("error", () => reject(new Error("hub socket error")));
  });
}

async function runLoad(base, token, boxId, ws, n) {
  const sentAt = new Map();
  const completedAt = new Map();
  const completions = new Map();
  const failures = [];
  let allDone;
  const done = new Promise((resolve) => (allDone = resolve));
  const onFrame = (event) => {
    const frame = JSON.parse(String(event.data));
    if (frame.type !== "asset.updated" || frame.asset.boxId !== boxId) return;
    const { id, status } = frame.asset;
    if (status === "failed") failures.push(`${id}: ${frame.asset.error}`);
    if (status !== "completed") return;
    completions.set(id, (completions.get(id) ?? 0) + 1);
    if (!completedAt.has(id)) completedAt.set(id, performance.now());
    if (completedAt.size + failures.length >= n && sentAt.size === n) allDone();
  };
  ws.addEventListener("message", onFrame);

  const requests = [];
  for (let left = n; left > 0; left -= PER_REQUEST) requests.push(Math.min(PER_REQUEST, left));
  const started = performance.now();
  await Promise.all(
    requests.map(async (count) => {
      const sent = performance.now();
      const { items } = await call(base, `/v1/studio/boxes/${boxId}/generate`, {
        token,
        body: { modelId: "dev-image", prompt: `bench ${n} ${sent}`, count, params: { width: SIZE, height: SIZE } },
      });
      for (const asset of items) sentAt.set(asset.id, sent);
    }),
  );
  if (completedAt.size + failures.length >= n) allDone();
  const timeout = setTimeout(allDone, LOAD_DEADLINE_MS);
  await done;
  clearTimeout(timeout);
  const finished = performance.now();
  await new Promise((r) => setTimeout(r, DUPLICATE_WATCH_MS));
  ws.removeEventListener("message", onFrame);

  const latencies = [...sentAt.entries()].filter(([id]) => completedAt.has(id)).map(([id, t]) => completedAt.get(id) - t);
  const duplicates = [...completions.values()].filter((c) => c > 1).length;
  const missing = [...sentAt.keys()].filter((id) => !completedAt.has(id)).length;
  return { n, seconds: (finished - started) / 1000, latencies: summarize(latencies), duplicates, missing, failures };
}

const server = await startDevServer({
  port: PORT,
  name: "bench-studio",
  vars: { STUDIO_MAX_CONCURRENT_GENERATIONS: "1000", STUDIO_POLL_INTERVAL_SECONDS: options.poll, LOG_REQUESTS: "false", MEDIA_QUOTA_BYTES: "10737418240" },
});
let exitCode = 0;
try {
  const base = server.url;
  const email = `bench-${Date.now()}@example.com`;
  const { accessToken: token } = await call(base, "/v1/auth/register", { body: { email, password: "correct horse battery staple", displayName: "Bench" } });
  const project = await call(base, "/v1/studio/projects", { token, body: { name: "bench" } });
  const { ticket } = await call(base, "/v1/realtime/tickets", { token, body: {} });
  const ws = await openHub(base, ticket);
  await runLoad(base, token, (await call(base, `/v1/studio/projects/${project.id}/boxes`, { token, body: { name: "warm-up" } })).id, ws, 1);

  console.log(
    `studio generation, dev-image ${SIZE}x${SIZE}, poll interval ${options.poll} s (queued -> running -> succeeded: two polls), wrangler dev on :${PORT}`,
  );
  console.log("assets | seconds | completed/s | p50 ms | p99 ms | max ms | completed twice | missing | failed");
  for (const n of LOADS) {
    const box = await call(base, `/v1/studio/projects/${project.id}/boxes`, { token, body: { name: `load ${n}` } });
    const result = await runLoad(base, token, box.id, ws, n);
    const rate = (n - result.missing) / result.seconds;
    console.log(
      [
        n,
        fmt(result.seconds, 2),
        fmt(rate, 1),
        fmt(result.latencies.p50, 0),
        fmt(result.latencies.p99, 0),
        fmt(result.latencies.max, 0),
        result.duplicates,
        result.missing,
        result.failures.length,
      ].join(" | "),
    );
    for (const failure of result.failures.slice(0, 5)) console.log(`  failed: ${failure}`);
    if (result.duplicates > 0 || result.missing > 0 || result.failures.length > 0) exitCode = 1;
    // Each asset is read back: completed, with a file and a thumbnail.
    const page = await call(base, `/v1/studio/boxes/${box.id}/assets?limit=100`, { token });
    const incomplete = page.items.filter((a) => a.status !== "completed" || !a.fileId || !a.thumbnailFileId);
    if (incomplete.length > 0) {
      console.log(`  ${incomplete.length} assets read back without a file or thumbnail`);
      exitCode = 1;
    }
  }
  ws.close();
  console.log(exitCode === 0 ? "every asset completed exactly once" : "CHECK FAILED");
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await server.stop();
}
process.exit(exitCode);
