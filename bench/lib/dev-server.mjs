// Starts `wrangler dev` on its own port and state directory, waits until it answers, and
// stops it again: benchmarks and end-to-end tests measure the real local stack this way.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { localWranglerEnv } from "../../scripts/local-wrangler-env.mjs";
import { realtimeDevConfig } from "../../scripts/realtime-config.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Run wrangler with this Node (>= 22 from the `node` devDependency), not whatever `env node` finds.
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * A fixed test or bench port moved by TEST_PORT_OFFSET, so that several checkouts on one machine
 * can run their dev-server and browser tests at the same time without taking each other's ports.
 * @param {number} base
 */
export function testPort(base) {
  return base + Number(process.env.TEST_PORT_OFFSET ?? 0);
}

/**
 * @param {{ port: number, name: string, vars?: Record<string, string>, fresh?: boolean, testScheduled?: boolean, inspectorPort?: number, v8Flags?: string }} options
 *   `testScheduled` lets a test run a cron: `GET /__scheduled?cron=<pattern>`. `inspectorPort` serves
 *   the Worker's DevTools inspector there (bench/lib/inspector.mjs profiles and weighs through it).
 *   `v8Flags`: flags for the runtime's V8 (e.g. "--trace-gc --trace-gc-nvp"), whose output joins the
 *   server's (see wranglerDev).
 * @returns {Promise<{ url: string, output: () => string, query: (sql: string) => Record<string, unknown>[], stop: () => Promise<void> }>}
 */
export async function startDevServer({ port, name, vars = {}, fresh = true, testScheduled = false, inspectorPort, v8Flags }) {
  spawnSync(process.execPath, [path.join(root, "scripts", "ensure-dev-vars.mjs")], { cwd: root, stdio: "inherit" });
  const persistTo = stateDirectory(name, fresh);
  // Not spawnSync: servers started side by side (bench:auth starts four) migrate at the same time.
  const migrate = await finished(
    spawn(process.execPath, [wranglerJs, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
      cwd: root,
      env: { ...localWranglerEnv(name), CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.output}`);

  // Handed-out URLs (signed files, avatars, share links) are built on APP_BASE_URL: the name the
  // browser tests open the app at, on this server's port.
  const serverVars = { ENVIRONMENT: "development", JWT_ISSUER: `http://127.0.0.1:${port}`, APP_BASE_URL: `http://localhost:${port}`, ...vars };
  const server = await wranglerDev({
    port,
    name,
    persistTo,
    args: [
      // The API Worker and the realtime Worker in one session, as `npm run dev` runs them.
      "-c",
      "wrangler.toml",
      "-c",
      realtimeDevConfig(name, serverVars),
      ...(testScheduled ? ["--test-scheduled"] : []),
      // An inspector port of its own: wrangler otherwise takes the first free one from 9229, and two
      // sessions starting at once both take it ("Address already in use (socket direct:1:default)").
      ...devArgs(serverVars, inspectorPort ?? port + 20_000),
    ],
    readyPath: "/health",
    v8Flags,
  });
  return {
    ...server,
    /** Rows of an SQL query on the server's local D1: what no endpoint shows (e.g. blob rows), or a test's set-up of a state no endpoint makes. */
    query: (sql) => {
      // The running server writes the same SQLite file: a query that meets its write lock
      // (SQLITE_BUSY, seen on CI) is run again, a few times, instead of failing the test.
      for (let attempt = 1; ; attempt++) {
        const result = spawnSync(process.execPath, [wranglerJs, "d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", sql, "--json"], {
          cwd: root,
          encoding: "utf8",
          // The JSON goes through wrangler's logger, which a WRANGLER_LOG=warn (set inside vitest) silences.
          env: { ...localWranglerEnv(`${name}-query`), CI: "true", WRANGLER_LOG: "log" },
        });
        if (result.status === 0 && result.stdout.trim()) return JSON.parse(result.stdout)[0].results;
        if (attempt < 5 && `${result.stdout}${result.stderr}`.includes("SQLITE_BUSY")) continue;
        throw new Error(`d1 execute failed:\n${result.stdout}\n${result.stderr}`);
      }
    },
  };
}

/** The exit status and output of `child` once it ends. */
function finished(child) {
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, output }));
  });
}

/**
 * Another Worker of a benchmark (its own wrangler.toml, e.g. bench/bare-broadcast) under
 * `wrangler dev`, fresh state, ready once `/` answers; `vars` and `inspectorPort` as for
 * startDevServer.
 * @param {{ port: number, name: string, config: string, vars?: Record<string, string>, inspectorPort?: number, v8Flags?: string }} options
 * @returns {Promise<{ url: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startBenchWorker({ port, name, config, vars = {}, inspectorPort, v8Flags }) {
  return wranglerDev({ port, name, persistTo: stateDirectory(name, true), args: ["-c", config, ...devArgs(vars, inspectorPort)], readyPath: "/", v8Flags });
}

/** `wrangler dev`'s arguments for these vars and, when given, an inspector on `inspectorPort`. */
function devArgs(vars, inspectorPort) {
  return [...(inspectorPort ? ["--inspector-port", String(inspectorPort)] : []), ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
}

function stateDirectory(name, fresh) {
  const persistTo = path.join(root, ".wrangler", `state-${name}`);
  if (fresh) rmSync(persistTo, { recursive: true, force: true });
  mkdirSync(persistTo, { recursive: true });
  return persistTo;
}

/**
 * Throws when something already listens on `port`: an earlier run's server left behind would
 * answer the readiness check, and the run would measure (or test) a server that is not its own.
 */
export async function refuseBusyPort(port, what = "wrangler dev") {
  const free = await new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve(true)));
  });
  if (!free)
    throw new Error(
      `port ${port} (for ${what}) is already in use: another server, perhaps one an interrupted run left behind, listens there. ` +
        `End it (ss -ltnp 'sport = :${port}' names it) or move this run with TEST_PORT_OFFSET / BENCH_PORT.`,
    );
}

/** Process groups of the servers this process started and has not stopped yet. */
const running = new Set();
let signalsHandled = false;

/** An interrupted run (Ctrl-C, SIGTERM) or one that exits without stopping them ends its servers. */
function endServersOnExit() {
  if (signalsHandled) return;
  signalsHandled = true;
  const killAll = (signal) => {
    for (const pid of running) {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", () => killAll("SIGKILL"));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
    process.once(signal, () => {
      killAll("SIGTERM");
      // give workerd a moment to end, then make sure (the exit handler SIGKILLs what is left)
      setTimeout(() => process.exit(signal === "SIGINT" ? 130 : 143), 1000).unref();
    });
}

/**
 * `wrangler dev` on `port` with its output kept, once `readyPath` answers 2xx; `stop` ends its whole
 * process group. With `v8Flags`, workerd runs V8 with them (miniflare passes
 * MINIFLARE_WORKERD_V8_FLAGS on) and wrangler logs at debug, the level at which it forwards the
 * runtime's own output, where V8 prints what they ask for (with --trace-gc, a line per collection
 * of every isolate).
 */
async function wranglerDev({ port, name, persistTo, args, readyPath, v8Flags }) {
  await refuseBusyPort(port);
  const inspectorAt = args.indexOf("--inspector-port");
  if (inspectorAt >= 0) await refuseBusyPort(Number(args[inspectorAt + 1]), "its inspector");
  endServersOnExit();
  const child = spawn(
    process.execPath,
    [wranglerJs, "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo, "--log-level", v8Flags ? "debug" : "warn", ...args],
    {
      cwd: root,
      env: { ...localWranglerEnv(name), CI: "true", ...(v8Flags ? { MINIFLARE_WORKERD_V8_FLAGS: v8Flags } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  running.add(child.pid);
  child.once("exit", () => running.delete(child.pid));
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));

  const url = `http://127.0.0.1:${port}`;
  // Two Workers per session (the API and the realtime one) take over a minute to answer on a
  // loaded 2-core machine when several sessions start at once.
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid, "SIGKILL");
      throw new Error(`wrangler dev did not answer within 300 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), min: sorted[0], max: sorted[sorted.length - 1] };
}

export const fmt = (ms) => `${ms.toFixed(2)} ms`;

/** The smallest and largest of `values` as "a-b unit" (one decimal), or "-" for none. */
export function span(values, unit) {
  return values.length ? `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)} ${unit}` : "-";
}
