import { describe, expect, it } from "vitest";
import { ftsQuery } from "../../shared/fts-query";

const every = (text: string, maxTerms = 16) => ftsQuery(text, { maxTerms, prefix: "every" });
const last = (text: string, maxTerms = 12) => ftsQuery(text, { maxTerms, prefix: "last" });

describe("ftsQuery: the one sanitiser of user text for FTS5 (chat, studio, jobs board)", () => {
  it("quotes every word, so FTS5 operators, brackets, quotes and column filters in the text are inert", () => {
    expect(every("lunch AT noon")).toBe('"lunch"* "AT"* "noon"*');
    expect(every('a OR b NEAR(c) "d" -e title:f ^g')).toBe('"a"* "OR"* "b"* "NEAR"* "c"* "d"* "e"* "title"* "f"* "g"*');
    expect(every("snake_case")).toBe('"snake"* "case"*');
  });

  it("prefix: every term, or only the last one (search as you type)", () => {
    expect(every("go rust")).toBe('"go"* "rust"*');
    expect(last("go rust")).toBe('"go" "rust"*');
    expect(last("engineer")).toBe('"engineer"*');
  });

  it("NFKC folds compatibility forms (full-width letters, ligatures) before splitting; other scripts stay words", () => {
    expect(every("ｒｕｓｔ ﬁle")).toBe('"rust"* "file"*');
    expect(every("Привет мир 東京")).toBe('"Привет"* "мир"* "東京"*');
  });

  it("null when there is no word; at most maxTerms terms", () => {
    expect(every("  ?! ")).toBeNull();
    expect(every("")).toBeNull();
    expect(every(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "))!.split(" ")).toHaveLength(16);
    expect(last(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "))!.split(" ")).toHaveLength(12);
  });
});
