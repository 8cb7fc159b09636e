// npm run bench:auth — latency of an authenticated route next to a bare one, for each way of
// reading the session (AUTH_SESSION_READS, see docs/latency.md), and the cost of one password
// hash, then GET /v1/me with tracing and metrics on vs off (OBSERVABILITY_ENABLED). Runs against
// `wrangler dev` on this machine.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fmt, startDevServer, summarize } from "./lib/dev-server.mjs";
import { measureObservabilityCost } from "./lib/observability-cost.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const WARMUP = 200;
const MODES = (process.env.AUTH_BENCH_MODES ?? "primary,replica").split(",").filter(Boolean);
const PASSWORD = "benchmark passphrase";
const json = { "content-type": "application/json" };

async function measureMode(mode) {
  const server = await startDevServer({
    port: Number(process.env.BENCH_PORT ?? 8790),
    name: `auth-bench-${mode}`,
    vars: { AUTH_SESSION_READS: mode, RATE_LIMIT_LOGIN_PER_IP: "100000/300", RATE_LIMIT_REGISTER_PER_IP: "100000/300" },
  });
  try {
    const registration = await fetch(`${server.url}/v1/auth/register`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: PASSWORD, displayName: "Bench" }),
    });
    if (registration.status !== 201) throw new Error(`register: ${registration.status} ${await registration.text()}`);
    const { accessToken, user } = await registration.json();
    const authorization = { authorization: `Bearer ${accessToken}` };

    const timed = async (path, headers) => {
      const started = performance.now();
      const response = await fetch(`${server.url}${path}`, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      return performance.now() - started;
    };

    for (let i = 0; i < WARMUP; i++) {
      await timed("/health");
      await timed("/v1/me", authorization);
    }
    // Interleaved, so both routes see the same machine load.
    const health = [];
    const me = [];
    for (let i = 0; i < ROUNDS; i++) {
      health.push(await timed("/health"));
      me.push(await timed("/v1/me", authorization));
    }

    const logins = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const response = await fetch(`${server.url}/v1/auth/login`, { method: "POST", headers: json, body: JSON.stringify({ email: user.email, password: PASSWORD }) });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`login: ${response.status}`);
      logins.push(performance.now() - started);
    }
    return { mode, health: summarize(health), me: summarize(me), login: summarize(logins) };
  } finally {
    await server.stop();
  }
}

/** The same WASM module the Worker imports, run by this machine's V8: the CPU cost of one hash. */
async function hashCost() {
  const require = createRequire(import.meta.url);
  const { default: Argon2, Argon2Type, Argon2Version } = await import("@phi-ag/argon2");
  const wasm = readFileSync(require.resolve("@phi-ag/argon2/argon2.wasm"));
  const argon2 = new Argon2(await WebAssembly.instantiate(await WebAssembly.compile(wasm)));
  const params = { memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32, type: Argon2Type.Argon2id, version: Argon2Version.Version13 };
  argon2.hash("warm up", params);
  const hashes = [];
  for (let i = 0; i < 20; i++) {
    const cpuStart = process.cpuUsage();
    argon2.hash(`password ${i}`, params);
    const cpu = process.cpuUsage(cpuStart);
    hashes.push((cpu.user + cpu.system) / 1000);
  }
  return summarize(hashes);
}

const results = [];
for (const mode of MODES) results.push(await measureMode(mode));
const cost = await hashCost();

console.log(`\nbench:auth against wrangler dev (${ROUNDS} interleaved sequential requests per route and mode)`);
for (const { mode, health: h, me: m, login: l } of results) {
  console.log(`\nAUTH_SESSION_READS=${mode}`);
  console.log(`  GET /health            median ${fmt(h.p50)}  p99 ${fmt(h.p99)}`);
  console.log(`  GET /v1/me (valid JWT) median ${fmt(m.p50)}  p99 ${fmt(m.p99)}`);
  console.log(`  ratio /v1/me : /health  median ${(m.p50 / h.p50).toFixed(2)}x  p99 ${(m.p99 / h.p99).toFixed(2)}x  (target <= 1.5x)`);
  console.log(`  POST /v1/auth/login    median ${fmt(l.p50)}  p99 ${fmt(l.p99)}  (one argon2id verification + session write)`);
}
console.log(`\nargon2id m=19456 KiB t=2 p=1: CPU per hash median ${fmt(cost.p50)}  max ${fmt(cost.max)}`);

// Tracing and request metrics on vs off (OBSERVABILITY_ENABLED), same build, same run.
if (process.env.BENCH_OBSERVABILITY !== "false") {
  const rounds = Number(process.env.BENCH_OBSERVABILITY_ROUNDS ?? ROUNDS);
  const { on, off } = await measureObservabilityCost({ port: Number(process.env.BENCH_PORT ?? 8790) + 5, rounds, warmup: WARMUP });
  const overhead = (on.p50 / off.p50 - 1) * 100;
  console.log(`\nGET /v1/me with tracing + metrics on vs off (${rounds} alternating requests each, two wrangler dev servers)`);
  console.log(`  OBSERVABILITY_ENABLED=true   median ${fmt(on.p50)}  p99 ${fmt(on.p99)}`);
  console.log(`  OBSERVABILITY_ENABLED=false  median ${fmt(off.p50)}  p99 ${fmt(off.p99)}`);
  console.log(`  median overhead ${overhead >= 0 ? "+" : ""}${overhead.toFixed(1)}%  (target within 5%)`);
}
