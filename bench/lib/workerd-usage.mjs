// What a `wrangler dev` server's workerd processes use, read from /proc (Linux): the benches
// print CPU per message or per upload, and resident memory, next to their timings.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
const PAGE_BYTES = Number(spawnSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).stdout.trim()) || 4096;

function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15, rss 24.
    return {
      comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
      pgrp: Number(fields[2]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      rssPages: Number(fields[21]),
    };
  } catch {
    return null; // exited
  }
}

/** The workerd processes of the server listening on `port`: the listener and the rest of its process group. */
export function workerdGroup(port) {
  const listing = spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }).stdout;
  const pid = /pid=(\d+)/.exec(listing)?.[1];
  const group = pid ? procStat(pid)?.pgrp : undefined;
  if (!group) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      const stat = procStat(name);
      return stat && stat.pgrp === group && stat.comm === "workerd";
    });
}

/** CPU time used so far (user + system, all threads) and resident memory now, summed over `pids`. */
export function workerdUsage(pids) {
  let cpuTicks = 0;
  let rssPages = 0;
  for (const pid of pids) {
    const stat = procStat(pid);
    if (!stat) continue;
    cpuTicks += stat.cpuTicks;
    rssPages += stat.rssPages;
  }
  return { cpuMs: (cpuTicks / TICKS_PER_SECOND) * 1000, rssBytes: rssPages * PAGE_BYTES };
}

/**
 * The address of the workerd runtime behind the `wrangler dev` listening on `port`, skipping
 * wrangler's dev proxy (a workerd of its own that forwards every request and every WebSocket frame
 * to the runtime, so that a reload can swap the runtime underneath): the other workerd of the same
 * process group, at the one of its listening ports that answers `probePath` as the proxy does.
 * Undefined where it cannot be told (no `ss`, not Linux).
 * @param {number} port
 * @param {string} probePath
 */
export async function runtimeUrl(port, probePath) {
  const listeners = (p) =>
    spawnSync("ss", ["-ltnpH"], { encoding: "utf8" })
      .stdout.split("\n")
      .filter((line) => line.includes(`pid=${p},`))
      .map((line) => Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]))
      .filter(Boolean);
  const proxyPid = /pid=(\d+)/.exec(spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }).stdout)?.[1];
  const runtime = workerdGroup(port).find((pid) => pid !== proxyPid);
  if (!runtime) return undefined;
  const expected = await answerOf(`http://127.0.0.1:${port}${probePath}`);
  for (const candidate of listeners(runtime)) {
    const url = `http://127.0.0.1:${candidate}`;
    const answer = await answerOf(`${url}${probePath}`);
    if (answer && expected && answer.status === expected.status && answer.body === expected.body) return url;
  }
  return undefined;
}

/**
 * The DevTools socket of the Worker `worker` inside the workerd runtime behind the `wrangler dev`
 * listening on `port`. wrangler's inspector (`--inspector-port`) shows only the first Worker of a
 * session (`-c a -c b`); the runtime's own inspector lists every Worker as `core:user:<name>`, so
 * a bench can weigh and profile the realtime Worker, where the chat rooms run. Undefined where it
 * cannot be told (no `ss`, not Linux, no such Worker).
 * @param {number} port
 * @param {string} worker
 */
export async function runtimeInspectorUrl(port, worker) {
  const proxyPid = /pid=(\d+)/.exec(spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }).stdout)?.[1];
  const runtime = workerdGroup(port).find((pid) => pid !== proxyPid);
  if (!runtime) return undefined;
  const ports = spawnSync("ss", ["-ltnpH"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((line) => line.includes(`pid=${runtime},`))
    .map((line) => Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]))
    .filter(Boolean);
  for (const candidate of ports) {
    const answer = await answerOf(`http://127.0.0.1:${candidate}/json`);
    if (answer?.status !== 200) continue;
    try {
      const target = JSON.parse(answer.body).find?.((t) => t.id === `core:user:${worker}`);
      if (target) return target.webSocketDebuggerUrl;
    } catch {
      // not the inspector
    }
  }
  return undefined;
}

async function answerOf(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/**
 * Whether the `wrangler dev` on `port` streams every invocation's trace events to wrangler's local
 * observability collector (a Worker in the same process; X_LOCAL_OBSERVABILITY, on unless "false"
 * in the pinned wrangler): read from the environment its workerd was started with. A hibernated
 * socket's every message is an invocation, traced, so it weighs on a room that hibernates more
 * than on one that keeps its sockets in memory (workers-chat-demo); the bench says where it is on.
 * Undefined where it cannot be told (no `ss`, not Linux).
 * @param {number} port
 */
export function localObservabilityOf(port) {
  const pid = workerdGroup(port)[0];
  if (!pid) return undefined;
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .find((variable) => variable.startsWith("X_LOCAL_OBSERVABILITY="));
    return entry?.slice("X_LOCAL_OBSERVABILITY=".length).toLowerCase() !== "false";
  } catch {
    return undefined;
  }
}
