// Upload benchmark against `wrangler dev`: a 50 MB upload through the Worker into R2, as one
// request (POST /v1/files: hashing, magic bytes, D1 records) and as tus with tus-js-client: one
// PATCH (its default and Uppy's) and 5 MiB PATCHes, each hashed by the platform's SHA-256 (kept
// in the isolate between an upload's PATCHes), next to the same bytes put straight into R2 by the
// same workerd (/dev/media/direct-put) in one request and in 5 MiB requests. Prints the machine,
// MB/s (median of the rounds), the ratio to the direct put and the CPU time workerd spent, then
// how much workerd's resident memory grows while 5 MB and 50 MB uploads run. BENCH_PORT picks the
// port (default 8883).
import { randomBytes } from "node:crypto";
import { Upload } from "tus-js-client";
import { startDevServer } from "./lib/dev-server.mjs";
import { loadLine, machineLine } from "./lib/machine.mjs";
import { runtimeUrl, workerdGroup, workerdUsage } from "./lib/workerd-usage.mjs";

const PORT = Number(process.env.BENCH_PORT ?? 8883);
const MB = 1_000_000;
const SIZE = Number(process.env.UPLOAD_BENCH_MB ?? 50) * MB;
const ROUNDS = Number(process.env.UPLOAD_BENCH_ROUNDS ?? 5);
const MEMORY_ROUNDS = Number(process.env.UPLOAD_BENCH_MEMORY_ROUNDS ?? 5);
// Sizes of the memory rounds; e.g. UPLOAD_BENCH_MEMORY_MB=5,50,200 shows that growth does not follow the size.
const MEMORY_SIZES = (process.env.UPLOAD_BENCH_MEMORY_MB ?? `5,${SIZE / MB}`).split(",").map((mb) => Number(mb) * MB);

const server = await startDevServer({
  port: PORT,
  name: "upload",
  vars: {
    MEDIA_QUOTA_BYTES: String(100 * 1024 * MB),
    MEDIA_MAX_BYTES: `asset=${2 * Math.max(SIZE, ...MEMORY_SIZES)}`,
    RATE_LIMIT_UPLOADS_PER_USER: "100000/60",
    // Bytes of finished rounds are garbage at once; the bench deletes its files as it goes.
    MEDIA_BLOB_GRACE_SECONDS: "1",
    // As `npm run dev` runs: each request's JSON line travels workerd's stdout into wrangler and on
    // into this process, which is busy sending 50 MB meanwhile; the runtime then waited on that
    // pipe, and the direct put swung between 58 and 88 MB/s in one run (92-96 without it).
    LOG_REQUESTS: "false",
  },
});
// Straight to the workerd runtime, as bench:chat: wrangler's dev proxy (no deployment has it)
// forwards every body through a workerd of its own. UPLOAD_BENCH_VIA_PROXY=1 goes through it.
const viaProxy = Boolean(process.env.UPLOAD_BENCH_VIA_PROXY);
const base = viaProxy ? server.url : await runtimeUrl(PORT, "/health");
if (!base)
  throw new Error("no workerd runtime found behind the dev server (Linux and `ss` are needed); UPLOAD_BENCH_VIA_PROXY=1 goes through wrangler's dev proxy");

/** Distinct bytes of an allowed type (a JPEG header): every round stores new content. */
function jpegOf(size) {
  const bytes = randomBytes(size);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).copy(bytes, 0);
  return bytes;
}

async function call(path, { method, token, body, headers = {} } = {}) {
  method ??= body ? "POST" : "GET";
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body && !(body instanceof Uint8Array) ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body instanceof Uint8Array ? body : body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}\n${server.output().slice(-4000)}`);
  return text ? JSON.parse(text) : null;
}

const rssBytes = (pids) => workerdUsage(pids).rssBytes;
/** CPU seconds (user + system, all threads) the processes have used so far. */
const cpuSeconds = (pids) => workerdUsage(pids).cpuMs / 1000;

/**
 * Runs `work` while sampling workerd's resident memory every 5 ms; returns the time, the peak
 * and the CPU time workerd spent (on a shared machine the wall time also holds waits for a core).
 */
async function measured(work) {
  const pids = workerdGroup(PORT);
  let peak = rssBytes(pids);
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pids))), 5);
  const cpuBefore = cpuSeconds(pids);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, peak: Math.max(peak, rssBytes(pids)), cpu: cpuSeconds(pids) - cpuBefore };
}

const direct = (bytes) => call("/dev/media/direct-put", { method: "POST", body: bytes, headers: { "content-type": "application/octet-stream" } });

const CHUNK = 5 * 1024 * 1024;

/** The same bytes put straight into R2 in 5 MiB requests, one after another: what the chunked tus client's request count costs by itself. */
async function directInChunks(bytes) {
  for (let offset = 0; offset < bytes.length; offset += CHUNK) await direct(bytes.subarray(offset, offset + CHUNK));
}

async function single(bytes) {
  const file = await call("/v1/files?purpose=asset&name=bench.jpg", {
    method: "POST",
    token,
    body: bytes,
    headers: { "content-type": "application/octet-stream" },
  });
  await call(`/v1/files/${file.id}`, { method: "DELETE", token });
}

function tus(chunkSize) {
  return async (bytes) => {
    const upload = new Upload(bytes, {
      endpoint: `${base}/v1/uploads`,
      headers: { authorization: `Bearer ${token}` },
      metadata: { purpose: "asset", filename: "bench.jpg" },
      chunkSize,
      retryDelays: null,
    });
    await new Promise((resolve, reject) => {
      upload.options.onSuccess = resolve;
      upload.options.onError = reject;
      upload.start();
    });
    const { fileId } = await call(new URL(upload.url).pathname, { token });
    await call(`/v1/files/${fileId}`, { method: "DELETE", token });
  };
}

const DIRECT = "direct R2 put (baseline)";
const DIRECT_CHUNKS = "direct R2 puts, 5 MiB per request";
const allWays = [
  [DIRECT, direct],
  ["POST /v1/files (one request)", single],
  ["tus (one PATCH: tus-js-client/Uppy default)", tus(Infinity)],
  ["tus, 5 MiB PATCHes (chunkSize 5 MiB)", tus(CHUNK), DIRECT_CHUNKS],
  [DIRECT_CHUNKS, directInChunks],
];
// UPLOAD_BENCH_WAYS=2,3 measures only those next to the baseline (the first is always measured).
const picked = process.env.UPLOAD_BENCH_WAYS?.split(",").map(Number);
const ways = allWays.filter((_, i) => i === 0 || !picked || picked.includes(i));

const labelWidth = Math.max(...ways.map(([name]) => name.length));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => (bytes / MB).toFixed(1);

let token;
try {
  const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
  ({ accessToken: token } = await call("/v1/auth/register", {
    body: { email: `bench-${Date.now()}@example.com`, password: "a long enough bench password", displayName: "Bench" },
    headers: { "cf-connecting-ip": ip },
  }));

  // Warm-up: first requests compile code and open the local stores.
  for (const [, run] of ways) await run(jpegOf(MB));

  console.log(machineLine());
  console.log(loadLine("before the rounds"));
  console.log(
    `upload of ${mb(SIZE)} MB ${viaProxy ? "through wrangler dev's proxy" : "straight to the workerd runtime of wrangler dev"}, median of ${ROUNDS} rounds`,
  );
  const rates = new Map();
  const cpu = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of ways) {
      const bytes = jpegOf(SIZE);
      const measure = await measured(() => run(bytes));
      rates.set(name, [...(rates.get(name) ?? []), SIZE / MB / measure.seconds]);
      cpu.set(name, [...(cpu.get(name) ?? []), measure.cpu]);
    }
  }
  // Ratios are taken within a round (each way next to the baseline measured just before it), then
  // the median: on a shared machine load drifts between rounds, and a ratio of medians mixes them.
  const ratioTo = (name, reference) => median(rates.get(name).map((rate, round) => rate / rates.get(reference)[round]));
  for (const [name, , alsoAgainst] of ways) {
    const rate = median(rates.get(name));
    const runs = rates
      .get(name)
      .map((r) => r.toFixed(0))
      .join(" ");
    const cpuRatio = median(cpu.get(DIRECT)) / median(cpu.get(name));
    const against = alsoAgainst && rates.has(alsoAgainst) ? `, ${ratioTo(name, alsoAgainst).toFixed(2)}x ${alsoAgainst}` : "";
    console.log(
      `  ${name.padEnd(labelWidth)} ${rate.toFixed(1).padStart(7)} MB/s   ${ratioTo(name, DIRECT).toFixed(2)}x direct${against}   workerd CPU ${median(cpu.get(name)).toFixed(2)} s (${cpuRatio.toFixed(2)}x by CPU)   (runs: ${runs})`,
    );
  }

  // Other jobs share the machine: the load tells how far the wall times above are from a quiet machine's.
  console.log(loadLine("after the rounds"));
  if (workerdGroup(PORT).length === 0) throw new Error("workerd processes of the dev server not found");
  // Growth of resident memory above the level just before the upload, median of MEMORY_ROUNDS
  // (5 MB and 50 MB taking turns): a path that held the file would grow by its size. Much of the
  // rest is garbage the collectors of the isolates (ours and the local R2's) have not freed yet,
  // so single readings jump; the direct put shows the level of that noise.
  console.log(
    `workerd resident memory (all processes of the dev server): peak while one upload runs and its growth over the level just before, median of ${MEMORY_ROUNDS}`,
  );
  const growth = new Map();
  const peaks = new Map();
  for (let round = 0; round < MEMORY_ROUNDS; round++) {
    for (const size of MEMORY_SIZES) {
      for (const [name, run] of ways) {
        const bytes = jpegOf(size);
        const idle = rssBytes(workerdGroup(PORT));
        const { peak } = await measured(() => run(bytes));
        const key = `${name}|${size}`;
        growth.set(key, [...(growth.get(key) ?? []), Math.max(0, peak - idle)]);
        peaks.set(key, [...(peaks.get(key) ?? []), peak]);
      }
    }
  }
  for (const [name] of MEMORY_ROUNDS > 0 ? ways : []) {
    const cells = MEMORY_SIZES.map(
      (size) =>
        `${mb(size).padStart(5)} MB: peak ${mb(median(peaks.get(`${name}|${size}`))).padStart(5)} MB, +${mb(median(growth.get(`${name}|${size}`))).padStart(5)} MB`,
    );
    console.log(
      `  ${name.padEnd(labelWidth)} ${cells.join("   ")}   (readings at ${mb(MEMORY_SIZES.at(-1))} MB: ${growth
        .get(`${name}|${MEMORY_SIZES.at(-1)}`)
        .map((b) => mb(b))
        .join(" ")})`,
    );
  }
  console.log(`  resident after the runs: ${mb(rssBytes(workerdGroup(PORT)))} MB`);
} finally {
  await server.stop();
}
