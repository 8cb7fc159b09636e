import { describe, expect, it } from "vitest";
import css from "../../web/app.css?raw";

/** The selectors of each rule, with the line it starts on (comments and at-rule heads left out). */
function rules(text: string): { selectors: string[]; line: number }[] {
  const found: { selectors: string[]; line: number }[] = [];
  for (const match of text.matchAll(/([^{}]+)\{[^{}]*\}/g)) {
    const head = match[1]!.replace(/\/\*[\s\S]*?\*\//g, "").trim();
    if (!head || head.startsWith("@")) continue;
    found.push({ selectors: head.split(",").map((s) => s.trim()), line: text.slice(0, match.index).split("\n").length });
  }
  return found;
}

describe("the web app's stylesheet", () => {
  // A block inserted between two lines of a selector list joined the list: `.jobs-list,` followed by a
  // new commented rule gave every list of the jobs board a link's colour and underline, and took
  // away its reset (list markers, indent). Twice so far, each time by an edit or a merge.
  it("has no comment inside a selector list", () => {
    expect([...css.matchAll(/,\s*\/\*/g)].map((match) => css.slice(0, match.index).split("\n").length)).toEqual([]);
  });

  // data-theme pins color-scheme to the account's choice (web/src/account/theme.ts), which
  // light-dark() follows. A query on the system's setting does not: with "Light" chosen on a dark
  // system, the studio's status pills came out in their dark colours on the light page.
  it("follows the account's theme: no colour depends on the system's setting behind its back", () => {
    expect([...css.matchAll(/prefers-color-scheme/g)].map((match) => css.slice(0, match.index).split("\n").length)).toEqual([]);
  });

  it("has no empty selector and no rule whose selector repeats within its list", () => {
    const parsed = rules(css);
    expect(css.length, "the stylesheet as text").toBeGreaterThan(10_000);
    expect(parsed.length).toBeGreaterThan(500);
    expect(parsed.filter((rule) => rule.selectors.some((s) => s === "") || new Set(rule.selectors).size < rule.selectors.length)).toEqual([]);
  });
});
