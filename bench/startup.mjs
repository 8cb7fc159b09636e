// npm run bench:startup — what a cold isolate of each of the platform's Workers pays before its
// first byte: `wrangler check startup` (an offline CPU profile of the Worker's startup phase, in
// local workerd) for every Worker of the platform, a minimal Hono + zod Worker and an empty one
// (bench/startup/), in rounds that take each in turn, so all see the same machine load. Prints
// the machine, the active startup CPU of each (median and range of the rounds), its ratio to the
// minimal Worker's median, and the bundle's size and gzip size.
//
// STARTUP_ROUNDS (default 5) sets the rounds. Goals (docs/performance.md): the Worker that hosts
// the chat rooms at most 2x the minimal Worker, every other at most 4x, each gzip under 1 MiB.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { localWranglerEnv } from "../scripts/local-wrangler-env.mjs";
import { PLATFORM_WORKERS } from "../scripts/platform-workers.mjs";
import { busyShare, cpuTimes, loadLine, machineLine } from "./lib/machine.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const ROUNDS = Math.max(1, Number(process.env.STARTUP_ROUNDS ?? 5));
const GZIP_LIMIT_KIB = 1024;

const workers = [
  ...PLATFORM_WORKERS.map((worker) => ({ ...worker, platform: true })),
  { name: "minimal Hono + zod", config: "bench/startup/minimal/wrangler.toml", platform: false },
  { name: "empty", config: "bench/startup/empty/wrangler.toml", platform: false },
];

const scratch = mkdtempSync(path.join(os.tmpdir(), "bench-startup-"));

/**
 * One `wrangler check startup` of `config`: the profile's window (ms, startup from the first sample
 * to the last, idle included: an empty Worker's whole startup may fall between two samples), active CPU (ms), garbage collection (ms), bundle and gzip (KiB). */
function checkStartup(config, name, attempts = 3) {
  // `-c` of check startup itself names no config (it profiles ./wrangler.toml); `--args` hands it to the build.
  const result = spawnSync(
    process.execPath,
    [wranglerJs, "check", "startup", `--args=-c ${config}`, "--outfile", path.join(scratch, `${name.replace(/\W+/g, "-")}.cpuprofile`)],
    { cwd: root, encoding: "utf8", env: { ...localWranglerEnv("bench-startup"), CI: "true" } },
  );
  const output = `${result.stdout}\n${result.stderr}`;
  const active = /Active: ([\d.]+) ms \(including ([\d.]+) ms garbage collection\)/.exec(output);
  const window = /Profile window: ([\d.]+) ms/.exec(output);
  const bundle = /Bundle: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  // wrangler gives the profile 10 s; on a loaded machine workerd may not start in time. Tried again
  // (at most `attempts` times in all), and said, since a retry waits for a quieter moment.
  if (result.status !== 0 && /profiling timed out/.test(output) && attempts > 1) {
    console.log(`  ${name}: wrangler's 10 s profiling timeout on this load, trying again`);
    return checkStartup(config, name, attempts - 1);
  }
  if (result.status !== 0 || !active || !bundle || !window) throw new Error(`wrangler check startup -c ${config} failed:\n${output}`);
  return { window: Number(window[1]), active: Number(active[1]), gc: Number(active[2]), bundleKiB: Number(bundle[1]), gzipKiB: Number(bundle[2]) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

console.log(machineLine());
console.log(loadLine("start"));
const cpuBefore = cpuTimes();
const samples = new Map(workers.map((worker) => [worker.name, []]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Each round takes the Workers in another order, so none always runs right after the same one.
    for (let k = 0; k < workers.length; k++) {
      const worker = workers[(round + k) % workers.length];
      samples.get(worker.name).push(checkStartup(worker.config, worker.name));
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const busy = busyShare(cpuBefore, cpuTimes());

const minimal = median(samples.get("minimal Hono + zod").map((s) => s.active));
console.log(
  `\nbench:startup: wrangler check startup, ${ROUNDS} rounds; all cores ${(busy * 100).toFixed(0)}% busy meanwhile (this bench included); ${loadLine("end")}`,
);
console.log("active CPU: sampled CPU of the startup phase (what the issue's figures are); window: the profile's span, idle included");
console.log(
  `${"Worker".padEnd(22)} ${"active CPU median".padStart(18)} ${"range".padStart(17)} ${"window".padStart(10)} ${"GC".padStart(8)} ${"x minimal".padStart(10)} ${"bundle".padStart(12)} ${"gzip".padStart(11)}  goal`,
);
for (const worker of workers) {
  const runs = samples.get(worker.name);
  const active = median(runs.map((s) => s.active));
  const ratio = active / minimal;
  const { bundleKiB, gzipKiB } = runs[0];
  const limit = worker.hostsChatRooms ? 2 : 4;
  const goal = worker.platform ? `<= ${limit}x and gzip < 1 MiB: ${ratio <= limit && gzipKiB < GZIP_LIMIT_KIB ? "met" : "NOT MET"}` : "";
  console.log(
    `${worker.name.padEnd(22)} ${`${active.toFixed(1)} ms`.padStart(18)} ${`${Math.min(...runs.map((s) => s.active)).toFixed(1)}-${Math.max(...runs.map((s) => s.active)).toFixed(1)} ms`.padStart(17)} ${`${median(runs.map((s) => s.window)).toFixed(1)} ms`.padStart(10)} ${`${median(runs.map((s) => s.gc)).toFixed(1)} ms`.padStart(8)} ${`${ratio.toFixed(2)}x`.padStart(10)} ${`${bundleKiB.toFixed(1)} KiB`.padStart(12)} ${`${gzipKiB.toFixed(1)} KiB`.padStart(11)}  ${goal}`,
  );
}
