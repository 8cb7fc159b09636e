import { describe, expect, it } from "vitest";
import { MIB, partSizeFor, planPatch } from "../../shared/media/part-plan";

const P = 5 * MIB;

describe("partSizeFor", () => {
  it("is 5 MiB until 5,000 parts (half of R2's part numbers) would not hold the upload, then whole MiB", () => {
    expect(partSizeFor(1)).toBe(P);
    expect(partSizeFor(50 * MIB)).toBe(P);
    expect(partSizeFor(5_000 * P)).toBe(P);
    expect(partSizeFor(5_000 * P + 1)).toBe(6 * MIB);
    expect(Math.ceil((100 * 1024 * MIB) / partSizeFor(100 * 1024 * MIB))).toBeLessThanOrEqual(5_000);
  });
});

describe("planPatch", () => {
  const upload = { length: 12 * MIB, partSize: P, partsDone: 0, tailBytes: 0, firstPartNumber: 1 };

  it("a small first request only becomes tail", () => {
    expect(planPatch(upload, MIB)).toEqual({ parts: [], newTailBytes: MIB, newTailFromOldTail: 0, completes: false });
  });

  it("a request that does not fill a part grows the tail, old bytes first", () => {
    expect(planPatch({ ...upload, tailBytes: MIB }, MIB)).toEqual({ parts: [], newTailBytes: 2 * MIB, newTailFromOldTail: MIB, completes: false });
  });

  it("the tail opens the next part, the rest of the body becomes the new tail", () => {
    expect(planPatch({ ...upload, tailBytes: 2 * MIB }, 4 * MIB)).toEqual({
      parts: [{ partNumber: 1, fromTail: 2 * MIB, fromBody: 3 * MIB }],
      newTailBytes: MIB,
      newTailFromOldTail: 0,
      completes: false,
    });
  });

  it("the whole upload in one request: equal parts and a smaller last one", () => {
    expect(planPatch(upload, 12 * MIB)).toEqual({
      parts: [
        { partNumber: 1, fromTail: 0, fromBody: P },
        { partNumber: 2, fromTail: 0, fromBody: P },
        { partNumber: 3, fromTail: 0, fromBody: 2 * MIB },
      ],
      newTailBytes: 0,
      newTailFromOldTail: 0,
      completes: true,
    });
  });

  it("the last request sends tail and body as the final part", () => {
    expect(planPatch({ ...upload, partsDone: 2, tailBytes: MIB, firstPartNumber: 3 }, MIB)).toEqual({
      parts: [{ partNumber: 3, fromTail: MIB, fromBody: MIB }],
      newTailBytes: 0,
      newTailFromOldTail: 0,
      completes: true,
    });
  });

  it("an upload smaller than a part is one part", () => {
    expect(planPatch({ length: 100, partSize: P, partsDone: 0, tailBytes: 0, firstPartNumber: 1 }, 100).parts).toEqual([
      { partNumber: 1, fromTail: 0, fromBody: 100 },
    ]);
  });

  it("every part but the last has the part size, for any cut of the body", () => {
    const length = 23 * MIB + 7;
    for (const chunk of [1 * MIB + 3, 4 * MIB, 5 * MIB, 7 * MIB + 1]) {
      let progress = { length, partSize: P, partsDone: 0, tailBytes: 0, firstPartNumber: 1 };
      const sizes: number[] = [];
      let offset = 0;
      while (offset < length) {
        const body = Math.min(chunk, length - offset);
        const plan = planPatch(progress, body);
        sizes.push(...plan.parts.map((p) => p.fromTail + p.fromBody));
        offset += body;
        const partsDone = progress.partsDone + plan.parts.length;
        progress = { ...progress, partsDone, tailBytes: plan.newTailBytes, firstPartNumber: partsDone + 1 };
      }
      expect(sizes.slice(0, -1).every((s) => s === P)).toBe(true);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(length);
    }
  });

  it("numbers parts from the number the lease handed out (after a takeover they skip the stalled request's numbers)", () => {
    expect(planPatch({ ...upload, partsDone: 1, firstPartNumber: 4 }, 7 * MIB).parts.map((part) => part.partNumber)).toEqual([4, 5]);
  });

  it("a body past the upload's length is refused", () => {
    expect(() => planPatch(upload, 12 * MIB + 1)).toThrow(RangeError);
  });
});
