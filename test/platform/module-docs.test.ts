import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import architecture from "../../docs/architecture.md?raw";
import readme from "../../README.md?raw";
import { modules } from "../../workers/modules";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

// The README is an index; each module's endpoints are tabled on its page in docs/.
const pages = import.meta.glob<string>("../../docs/*.md", { query: "?raw", import: "default", eager: true });

/** `GET /v1/chats/:id` -> `GET /v1/chats/{id}`, the OpenAPI spelling. */
const normalise = (method: string, path: string) => `${method} ${path.replace(/:([A-Za-z]+)/g, "{$1}")}`;

/**
 * Endpoints named in the first cell of a page's tables: `METHOD /path`, `METHOD, METHOD /path`,
 * or several of those separated by commas.
 */
function tabledEndpoints(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) continue;
    const firstCell = line.split("|")[1] ?? "";
    const pattern = /((?:(?:GET|POST|PUT|PATCH|DELETE)(?:,\s*|\s+))+)(\/[^\s`,|]*)/g;
    for (const match of firstCell.matchAll(pattern)) {
      const methods = match[1]!.split(/[,\s]+/).filter((m) => (METHODS as readonly string[]).includes(m));
      for (const method of methods) found.add(normalise(method, match[2]!));
    }
  }
  return found;
}

async function openapiEndpoints(): Promise<Set<string>> {
  const document = (await (await SELF.fetch("http://platform.test/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  const found = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) if (item[method.toLowerCase()]) found.add(`${method} ${path}`);
  }
  return found;
}

describe("module pages", () => {
  it("table every endpoint of /openapi.json and nothing that does not exist", async () => {
    const documented = new Set(Object.values(pages).flatMap((text) => [...tabledEndpoints(text)]));
    const served = await openapiEndpoints();
    expect([...served].filter((e) => !documented.has(e)).sort(), "served but in no endpoint table").toEqual([]);
    expect([...documented].filter((e) => !served.has(e)).sort(), "tabled but not served").toEqual([]);
  });

  it("are where endpoints are tabled: the README, an index, tables none", () => {
    expect([...tabledEndpoints(readme)], "move these rows to the module's page in docs/").toEqual([]);
  });

  it("are linked from architecture.md's module table, one row per module", () => {
    const rows = architecture.split("\n").filter((line) => /^\| \[[A-Za-z0-9]+\]\([a-z0-9-]+\.md(#[a-z-]+)?\) \|/.test(line));
    const listed = rows.map((row) => row.match(/^\| \[([A-Za-z0-9]+)\]/)![1]);
    expect(listed.sort()).toEqual(modules.map((module) => module.name).sort());
  });
});
