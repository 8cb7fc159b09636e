/** The most words of `q` that take part in a search (a longer text is cut, not refused). */
const MAX_TERMS = 16;

/**
 * An FTS5 query from what a user typed: each run of letters and digits becomes a quoted prefix
 * term and every term must match. Quotes, operators (AND, OR, NOT, NEAR, *, ^, :) and brackets in
 * `q` are never passed to FTS5, so no input can make the MATCH fail. Null when `q` has no word.
 */
export function searchQuery(q: string): string | null {
  const words = q.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, MAX_TERMS)
    .map((word) => `"${word}"*`)
    .join(" ");
}
