// The physical context printed with a bench, so a figure can be read later: the machine, its load
// average, and how busy all its cores were while the bench measured (the bench itself included).
import { spawn } from "node:child_process";
import os from "node:os";

/** One line naming the machine: when, CPU model and count, memory, Node, kernel. */
export function machineLine() {
  const cpus = os.cpus();
  return `${new Date().toISOString()}  ${cpus[0]?.model ?? "unknown CPU"} x ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

/** The load average at `when` ("before", "after", ...). */
export function loadLine(when) {
  const [one, five] = os.loadavg();
  return `${when}: load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min)`;
}

/** Busy and total CPU time of every core so far; two snapshots give the machine's busy share between them. */
export function cpuTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** Share of all cores' time spent busy between two `cpuTimes()` snapshots (0..1), whoever used it. */
export function busyShare(before, after) {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : Number.NaN;
}

/**
 * `count` CPU-bound processes (a busy loop each) running beside a bench until `stop()`: a busy
 * machine on demand, so a figure "on a busy machine" can be made again. Each is a child of this
 * process and is killed with it.
 * @param {number} count
 */
export function startBusyLoad(count) {
  const children = Array.from({ length: count }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  const stop = () => {
    for (const child of children) child.kill("SIGKILL");
  };
  process.once("exit", stop);
  return { count, stop };
}
