/**
 * The one way user text becomes an FTS5 MATCH query (chat messages, studio assets, vacancies):
 * the text is NFKC-normalised, every run of letters and digits becomes a quoted term (so `OR`,
 * `NEAR`, `-`, `*`, `^`, `:`, brackets and quotes are plain text, never operators, and no input
 * can make the MATCH fail), and every term must match. `prefix: "every"` makes each term a
 * prefix; `"last"` only the last one (search as you type, where earlier words are complete).
 * Diacritics and case are the tokenizer's business, on both sides. Null when the text has no word.
 */
export function ftsQuery(text: string, options: { maxTerms: number; prefix: "every" | "last" }): string | null {
  const words = text.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  const terms = words.slice(0, options.maxTerms);
  return terms.map((word, i) => `"${word}"${options.prefix === "every" || i === terms.length - 1 ? "*" : ""}`).join(" ");
}
