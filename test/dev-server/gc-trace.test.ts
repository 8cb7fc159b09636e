// bench:chat -- --trace-gc reads V8's --trace-gc-nvp lines (one JSON object per collection) into
// what set each full collection off and what its pause spent inside V8. The records below are real
// ones from the runtime (2026-11-27, 50 receivers at 200 msg/s), cut to the fields the bench reads.
import { describe, expect, it } from "vitest";
import { parseGcTrace, summarizeGcTrace } from "../../bench/lib/gc-trace.mjs";

const line = (isolate: string, at: number, record: object) => `[25983:${isolate}:0] ${String(at).padStart(8)} ms: GC: ${JSON.stringify(record)}`;

const ROOMS = "0x3203bfd3c000";
/** The chat room's isolate: its old generation below its own limit, the global one crossed. */
const roomRecords = [
  [
    8876,
    {
      pause: 31.521,
      gc: "mc",
      reason: "allocation limit",
      start_object_size: 37082740,
      end_object_size: 5889272,
      start_old_gen_consumed_size: 33436092,
      end_old_gen_consumed_size: 5889272,
      start_global_consumed_size: 44400752,
      end_global_consumed_size: 5931364,
      old_gen_allocation_limit: 33554432,
      global_allocation_limit: 67108864,
      mark: 5.726,
      clear: 2.582,
      evacuate: 0.694,
      finish: 0.172,
      sweep: 0.17,
    },
  ],
  [
    10882,
    {
      pause: 18.182,
      gc: "mc",
      reason: "allocation failure",
      start_object_size: 19533520,
      end_object_size: 5908692,
      start_old_gen_consumed_size: 17797084,
      end_old_gen_consumed_size: 5908692,
      start_global_consumed_size: 22955992,
      end_global_consumed_size: 5948112,
      old_gen_allocation_limit: 22666488,
      global_allocation_limit: 22708580,
      mark: 5.158,
      clear: 1.393,
      evacuate: 1.405,
      finish: 0.015,
      sweep: 0.064,
    },
  ],
  [
    12897,
    {
      pause: 18.885,
      gc: "mc",
      reason: "allocation failure",
      start_object_size: 19477376,
      end_object_size: 5903004,
      start_old_gen_consumed_size: 17794176,
      end_old_gen_consumed_size: 5903004,
      start_global_consumed_size: 22953028,
      end_global_consumed_size: 5940632,
      old_gen_allocation_limit: 22685908,
      global_allocation_limit: 22725328,
      mark: 4.539,
      clear: 1.438,
      evacuate: 1.599,
      finish: 0.93,
      sweep: 0.074,
    },
  ],
] as const;
/** The bare room's: its old generation at its own limit, the global one far above. */
const bareRecord = {
  pause: 19.24,
  gc: "mc",
  reason: "allocation limit",
  start_object_size: 28845624,
  end_object_size: 5723920,
  start_old_gen_consumed_size: 22460568,
  end_old_gen_consumed_size: 5723920,
  start_global_consumed_size: 30100492,
  end_global_consumed_size: 6149636,
  old_gen_allocation_limit: 22509092,
  global_allocation_limit: 31816944,
  mark: 3.889,
  clear: 2.24,
  evacuate: 1.712,
  finish: 0.026,
  sweep: 0.15,
};
const youngRecord = {
  pause: 3.794,
  gc: "s",
  reason: "allocation failure",
  start_object_size: 23139708,
  end_object_size: 17823272,
  start_old_gen_consumed_size: 16410488,
  end_old_gen_consumed_size: 16410488,
  start_global_consumed_size: 20962924,
  end_global_consumed_size: 20962924,
  old_gen_allocation_limit: 22641596,
  global_allocation_limit: 26662480,
};

const trace = [
  "[25983:0x3203bfd3c000] Memory allocator,   used:  25108 KB, available:  1506796 KB",
  ...roomRecords.map(([at, record]) => line(ROOMS, at, record)),
  line(ROOMS, 11500, youngRecord),
  line("0x128b3fc92000", 51364, bareRecord),
  // the pipe's last block, cut mid-record
  `[25983:${ROOMS}:0]    14900 ms: GC: {"pause":17.5,"gc":"mc","reason":"allocation fai`,
];

describe("V8's collection records (bench:chat --trace-gc)", () => {
  it("reads each record, skips other lines and a record cut short, and says which limit set each full one off", () => {
    const collections = parseGcTrace(trace);
    expect(collections.map((gc) => [gc.isolate, gc.at, gc.full])).toEqual([
      [ROOMS, 8876, true],
      [ROOMS, 10882, true],
      [ROOMS, 12897, true],
      [ROOMS, 11500, false],
      ["0x128b3fc92000", 51364, true],
    ]);
    const at = (i: number) => collections[i] ?? expect.unreachable(`collection ${i}`);
    const [room, young, bare] = [at(1), at(3), at(4)];
    expect(room.trigger).toBe("the global limit, the old generation below its own");
    expect(bare.trigger).toBe("the old generation's limit");
    expect(young.trigger).toBeUndefined();
    // V8's own phases: mark + clear + evacuate + finish + sweep
    expect(room.phasesMs).toBeCloseTo(5.158 + 1.393 + 1.405 + 0.015 + 0.064, 6);
    // beyond V8's heap: the runtime's C++ heap and external memory
    expect(room.beyondV8Before).toBe(22955992 - 17797084);
    expect(room.beyondV8After).toBe(5948112 - 5908692);
  });

  it("summarizes the isolate with the most full collections, leaving out its first (at V8's initial limit)", () => {
    const summary = summarizeGcTrace(parseGcTrace(trace));
    expect(summary).toEqual([
      "3 full collections, 1 young (pauses 3.8-3.8 ms)",
      "after the first: every 2.0-2.0 s; V8's heap 19.5-19.5 MB before, 5.9-5.9 MB after",
      "pauses 18.2-18.9 ms: V8's own phases 8.0-8.6 ms, the rest (the runtime's C++ heap) 10.1-10.3 ms",
      // (22955992 - 17797084 - (5931364 - 5889272)) / 2006 ms, and the next cycle's
      "set off by the global limit, the old generation below its own (2); the C++ heap and external memory grew 2.5-2.6 KB/ms between them",
    ]);
  });

  it("has nothing to say without a full collection", () => {
    expect(summarizeGcTrace(parseGcTrace([line(ROOMS, 11500, youngRecord)]))).toBeUndefined();
  });
});
