import { describe, expect, it } from "vitest";
import { etagMatches, parseRange } from "../../shared/media/byte-range";

describe("parseRange", () => {
  it("no header is the whole representation", () => {
    expect(parseRange(null, 100)).toEqual({ kind: "whole" });
  });

  it("first bytes, open-ended and suffix ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ kind: "partial", start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ kind: "partial", start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ kind: "partial", start: 90, end: 99 });
  });

  it("clamps an end past the last byte and a suffix longer than the file", () => {
    expect(parseRange("bytes=50-1000", 100)).toEqual({ kind: "partial", start: 50, end: 99 });
    expect(parseRange("bytes=-1000", 100)).toEqual({ kind: "partial", start: 0, end: 99 });
  });

  it("a start at or past the end, or an empty suffix, is unsatisfiable", () => {
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=200-300", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
  });

  it("a first byte too large for a safe integer is unsatisfiable, not a reversed range", () => {
    expect(parseRange("bytes=99999999999999999999-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=9007199254740993-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=99999999999999999999-5", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-99999999999999999999", 100)).toEqual({ kind: "partial", start: 0, end: 99 });
  });

  it("several ranges, other units and garbage get the whole representation", () => {
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual({ kind: "whole" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=9-3", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=abc", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=-", 100)).toEqual({ kind: "whole" });
  });
});

describe("etagMatches", () => {
  it("matches the tag, a list holding it, weak forms and *", () => {
    expect(etagMatches('"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches("*", '"abc"')).toBe(true);
  });

  it("does not match other tags or nothing", () => {
    expect(etagMatches('"abd"', '"abc"')).toBe(false);
    expect(etagMatches(null, '"abc"')).toBe(false);
    expect(etagMatches("abc", '"abc"')).toBe(false);
  });
});
