import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** `GET /v1/chats/:id` -> `GET /v1/chats/{id}`, the OpenAPI spelling. */
const normalise = (method: string, path: string) => `${method} ${path.replace(/:([A-Za-z]+)/g, "{$1}")}`;

/**
 * Endpoints named in the first cell of the README's tables: `METHOD /path`, `METHOD, METHOD /path`,
 * or several of those separated by commas.
 */
function readmeEndpoints(markdown: string): Set<string> {
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

describe("README endpoint tables", () => {
  it("list every endpoint of /openapi.json and nothing that does not exist", async () => {
    const documented = readmeEndpoints(readme);
    const served = await openapiEndpoints();
    expect([...served].filter((e) => !documented.has(e)).sort(), "served but missing from the README").toEqual([]);
    expect([...documented].filter((e) => !served.has(e)).sort(), "in the README but not served").toEqual([]);
  });
});
