// V8's account of its collections, as the runtime prints it with --trace-gc --trace-gc-nvp (one
// JSON object per collection), read into what `bench:chat -- --trace-gc <dir>` reports: how often
// the rooms' isolate collects in full, what each pause spends inside V8 and outside it, and which
// of V8's two limits set each collection off.
import { span } from "./dev-server.mjs";

/** V8's own phases of a full collection in --trace-gc-nvp's record: what its pause spends in V8. */
const V8_PHASES = [
  "prologue",
  "epilogue",
  "heap.prologue",
  "heap.epilogue",
  "heap.embedder_tracing_epilogue",
  "heap.external.prologue",
  "heap.external.epilogue",
  "mark",
  "clear",
  "evacuate",
  "finish",
  "sweep",
];

/**
 * A full collection whose old generation was within this share of its limit was set off by that
 * limit: V8 starts it on the allocation that would cross it, so it is a little below, never far.
 */
const AT_LIMIT = 0.98;

/**
 * Each collection of V8's --trace-gc-nvp lines (`[pid:isolate:thread] <ms> ms: GC: {...}`), others
 * skipped: its isolate, time, whether it was full, V8's heap before and after, the pause, the part
 * of it in V8's own phases, what V8 counts beyond its heap (the runtime's C++ heap and external
 * memory) before and after, and for a full one the limit that set it off.
 * @param {string[]} lines
 */
export function parseGcTrace(lines) {
  return lines.flatMap((line) => {
    const m = /^\[\d+:(0x[0-9a-f]+)(?::\d+)?\]\s+(\d+) ms: GC: (\{.*\})\s*$/.exec(line);
    if (!m) return [];
    let gc;
    try {
      gc = JSON.parse(m[3]);
    } catch {
      return []; // a line cut where the pipe's last block ended
    }
    const full = gc.gc === "mc" || gc.gc === "ms";
    return [
      {
        isolate: m[1],
        at: Number(m[2]),
        full,
        before: gc.start_object_size,
        after: gc.end_object_size,
        pauseMs: gc.pause,
        phasesMs: V8_PHASES.reduce((sum, phase) => sum + (gc[phase] ?? 0), 0),
        beyondV8Before: gc.start_global_consumed_size - gc.start_old_gen_consumed_size,
        beyondV8After: gc.end_global_consumed_size - gc.end_old_gen_consumed_size,
        trigger: full ? triggerOf(gc) : undefined,
      },
    ];
  });
}

/**
 * V8 keeps two limits: one for its old generation, and a global one that also counts the runtime's
 * C++ heap and external memory. After each full collection it sets each to what was left times a
 * growing factor; the global one's factor comes from how fast it marked the C++ heap against how
 * fast that heap grew, so how far it sits above the old generation's changes from run to run.
 */
function triggerOf(gc) {
  if (gc.start_old_gen_consumed_size >= gc.old_gen_allocation_limit * AT_LIMIT) return "the old generation's limit";
  // V8 names the global limit itself when it starts the collection before the allocation that crosses it.
  if (gc.start_global_consumed_size >= gc.global_allocation_limit || gc.reason === "global allocation limit")
    return "the global limit, the old generation below its own";
  return `V8's reason "${gc.reason}"`;
}

/**
 * For the isolate with the most full collections (a room's, under load): lines saying how often
 * they came after the first (which comes at V8's initial limit, before it has measured anything),
 * the heap before and after, each pause split into V8's own phases and the rest, what set them off
 * and how fast the C++ heap and external memory grew between them; undefined without any.
 * perf shows the rest of a pause is the runtime's C++ heap finishing the sweep of what died since the
 * last full collection (docs/performance.md).
 * @param {ReturnType<typeof parseGcTrace>} collections
 */
export function summarizeGcTrace(collections) {
  const counts = new Map();
  for (const gc of collections.filter((gc) => gc.full)) counts.set(gc.isolate, (counts.get(gc.isolate) ?? 0) + 1);
  const rooms = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!rooms) return undefined;
  const full = collections.filter((gc) => gc.isolate === rooms && gc.full);
  const young = collections.filter((gc) => gc.isolate === rooms && !gc.full);
  const steady = full.slice(1);
  const intervalMs = steady.map((gc, i) => gc.at - full[i].at);
  const growth = steady.map((gc, i) => (gc.beyondV8Before - full[i].beyondV8After) / 1000 / intervalMs[i]);
  const triggers = new Map();
  for (const gc of steady) triggers.set(gc.trigger, (triggers.get(gc.trigger) ?? 0) + 1);
  return [
    `${full.length} full collections, ${young.length} young${
      young.length
        ? ` (pauses ${span(
            young.map((gc) => gc.pauseMs),
            "ms",
          )})`
        : ""
    }`,
    ...(steady.length
      ? [
          `after the first: every ${span(
            intervalMs.map((ms) => ms / 1000),
            "s",
          )}; V8's heap ${span(
            steady.map((gc) => gc.before / 1e6),
            "MB",
          )} before, ${span(
            steady.map((gc) => gc.after / 1e6),
            "MB",
          )} after`,
          `pauses ${span(
            steady.map((gc) => gc.pauseMs),
            "ms",
          )}: V8's own phases ${span(
            steady.map((gc) => gc.phasesMs),
            "ms",
          )}, the rest (the runtime's C++ heap) ${span(
            steady.map((gc) => gc.pauseMs - gc.phasesMs),
            "ms",
          )}`,
          `set off by ${[...triggers].map(([trigger, n]) => `${trigger} (${n})`).join(", ")}; the C++ heap and external memory grew ${span(growth, "KB/ms")} between them`,
        ]
      : []),
  ];
}
