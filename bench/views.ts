// View counting benchmark against `wrangler dev`: one video, views from 1, 100 and 10,000
// distinct viewers (anonymous: one IP address each, sent as CF-Connecting-IP, as Cloudflare's edge
// does; the user agent does not tell viewers apart). Prints
// the views/s the API accepted, the D1 writes the view counter made per 1,000 views (read from
// the `video_view_flushes_total` metric: one D1 write per flush) and whether the count that
// reached D1 is exact (one per distinct viewer).
//
//   npm run bench:views                  [-- --port 8821 --concurrency 32 --flush-seconds 10]
import { parseArgs } from "node:util";
import { startDevServer } from "./lib/dev-server.mjs";
import { tinyMp4 } from "./lib/tiny-mp4.mjs";

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: "8821" },
    concurrency: { type: "string", default: "32" },
    "flush-seconds": { type: "string", default: "10" },
  },
});
const PORT = Number(options.port);
const CONCURRENCY = Number(options.concurrency);
const FLUSH_SECONDS = Number(options["flush-seconds"]);
const METRICS_TOKEN = "bench-views-metrics-token";
const ADMIN_EMAIL = "bench-views-admin@example.com";

const SCENARIOS = [
  { viewers: 1, views: 2000 },
  { viewers: 100, views: 2000 },
  { viewers: 10_000, views: 10_000 },
];

const server = await startDevServer({
  port: PORT,
  name: "bench-views",
  vars: {
    VIDEO_VIEW_FLUSH_SECONDS: String(FLUSH_SECONDS),
    VIDEO_CHECK_DELAY_SECONDS: "1",
    METRICS_TOKEN,
    BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    RATE_LIMIT_REGISTER_PER_IP: "1000/60",
    LOG_REQUESTS: "false",
  },
});

async function call(path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: BodyInit | undefined;
  if (init.body instanceof Uint8Array) body = init.body;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(`${server.url}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} -> ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function register(email: string): Promise<string> {
  const body = await call("/v1/auth/register", { body: { email, password: "a long enough password 123", displayName: "Bench" } });
  return body.accessToken;
}

/** A distinct private IPv4 address per viewer number (10.x.y.z). */
function viewerAddress(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

async function flushesSoFar(): Promise<number> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  const line = text.split("\n").find((l) => l.startsWith("video_view_flushes_total"));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

/** An approved public video: created, uploaded through the Worker, checked ready, approved by the admin. */
async function approvedVideo(owner: string, admin: string): Promise<string> {
  const { video } = await call("/v1/videos", { token: owner, body: { title: "bench" } });
  await call(`/v1/videos/${video.id}/content`, { method: "PUT", token: owner, body: tinyMp4(), headers: { "content-type": "video/mp4" } });
  for (let i = 0; i < 120; i++) {
    if ((await call(`/v1/videos/${video.id}`, { token: owner })).status === "moderation") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await call(`/v1/videos/${video.id}/approve`, { method: "POST", token: admin });
  return video.id;
}

try {
  const admin = await register(ADMIN_EMAIL);
  const owner = await register(`bench-views-owner-${Date.now()}@example.com`);
  console.log(`bench:views against wrangler dev on :${PORT}, ${CONCURRENCY} requests in flight, VIDEO_VIEW_FLUSH_SECONDS=${FLUSH_SECONDS}`);
  console.log("| distinct viewers | views sent | views/s accepted | counted | D1 writes | D1 writes per 1,000 views | count in D1 |");
  console.log("|---|---|---|---|---|---|---|");
  for (const scenario of SCENARIOS) {
    const id = await approvedVideo(owner, admin);
    const before = await flushesSoFar();
    let next = 0;
    let accepted = 0;
    let counted = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < scenario.views) {
          const i = next++;
          const response = await fetch(`${server.url}/v1/videos/${id}/views`, {
            method: "POST",
            headers: { "cf-connecting-ip": viewerAddress(i % scenario.viewers), "user-agent": "bench-viewer" },
          });
          const body = (await response.json()) as { counted?: boolean };
          if (response.status === 202) accepted++;
          if (body.counted) counted++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // The counter flushes at most once per interval after the first counted view: wait for the last one.
    await new Promise((r) => setTimeout(r, (FLUSH_SECONDS + 3) * 1000));
    const writes = (await flushesSoFar()) - before;
    const inD1 = (await call(`/v1/videos/${id}`)).viewCount;
    const exact = inD1 === scenario.viewers ? "exact" : `WRONG (${inD1})`;
    console.log(
      `| ${scenario.viewers} | ${scenario.views} | ${(accepted / seconds).toFixed(0)} | ${counted} | ${writes} | ${((writes / scenario.views) * 1000).toFixed(2)} | ${inD1} ${exact} |`,
    );
  }
} finally {
  await server.stop();
}
