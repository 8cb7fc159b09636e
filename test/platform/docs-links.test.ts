import { describe, expect, it } from "vitest";

const pages = {
  ...import.meta.glob<string>("../../README.md", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob<string>("../../docs/*.md", { query: "?raw", import: "default", eager: true }),
};
// Every file a page may link to, by its path from the repository root.
const repositoryFiles = new Set(
  Object.keys(import.meta.glob(["../../*.{md,ts,toml,json}", "../../{docs,shared,workers,durable-objects,test,bench,scripts,migrations,examples}/**/*"])).map(
    (path) => path.replace(/^\.\.\/\.\.\//, ""),
  ),
);

function resolve(fromPage: string, target: string): string {
  const parts = fromPage
    .replace(/^\.\.\/\.\.\//, "")
    .split("/")
    .slice(0, -1);
  for (const part of target.split("#")[0]!.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && line.match(/^#{1,6} (.+)$/);
    if (!heading) continue;
    const slug = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe("links in the README and docs/", () => {
  it("stay inside the repository and point at files that exist", () => {
    expect(Object.keys(pages).length).toBeGreaterThan(4);
    for (const [page, text] of Object.entries(pages)) {
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        expect(target, `${page}: ${target}`).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/\//i);
        const [file, anchor] = target!.split("#");
        const targetPage = file ? `../../${resolve(page, target!)}` : page;
        if (file) expect(repositoryFiles.has(resolve(page, target!)), `${page}: ${target} -> ${resolve(page, target!)}`).toBe(true);
        if (anchor && pages[targetPage] !== undefined) expect(anchorsOf(pages[targetPage]!), `${page}: ${target}`).toContain(anchor);
      }
      for (const [, url] of text.matchAll(/<(https?:\/\/[^>]+)>/g)) expect(url, page).toMatch(/^http:\/\/localhost[:/]/);
    }
  });
});
