/** What a `Range` header asks of a representation of `size` bytes (RFC 9110 section 14). */
export type RangeRequest = { kind: "whole" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/**
 * One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`). Anything this server does not serve as
 * a range (other units, several ranges, syntax it cannot read, a last byte before the first one
 * inside the bytes) gets the whole representation, as RFC 9110 allows; a range whose first byte
 * lies at or past the end is unsatisfiable, however large its numbers (they are compared as
 * numbers, never rounded into something smaller or into a range that looks reversed).
 */
export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: "whole" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: "whole" };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? Infinity : Number(last);
  if (end < start) return { kind: "whole" };
  return { kind: "partial", start, end: Math.min(end, size - 1) };
}

/** Does an `If-None-Match` header match `etag` (weak comparison, `*` included)? */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === bare;
  });
}
