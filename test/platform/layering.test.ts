/// <reference types="vite/types/importMeta.d.ts" />
import { describe, expect, it } from "vitest";

// shared/ is used by the Worker and the Durable Objects alike, so it must not name either of them,
// not even as a type: the objects' RPC interfaces live in shared/ and the classes implement them.
const shared = import.meta.glob<string>("../../shared/**/*.ts", { query: "?raw", import: "default", eager: true });
const server = import.meta.glob<string>(["../../shared/**/*.ts", "../../durable-objects/**/*.ts", "../../workers/**/*.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
// The client library runs in browsers and apps: it names the server's types (AppType, Message,
// Call) but must not load server code, or the web bundle would carry the Worker.
const client = import.meta.glob<string>(["../../client/**/*.ts", "../../web/src/**/*.{ts,tsx}"], { query: "?raw", import: "default", eager: true });

interface Import {
  specifier: string;
  /** Erased at build: `import type`, `export type`, or `import("...")` in a type position. */
  typeOnly: boolean;
}

/** Every module specifier a file names: static imports and re-exports, side-effect imports and import(). */
function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gms;
  for (const match of source.matchAll(statement)) found.push({ specifier: match[4]!, typeOnly: Boolean(match[2]) });
  for (const match of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) found.push({ specifier: match[1]!, typeOnly: false });
  // import("...") in a type position (`import("./x").T`) is erased; a call is not.
  for (const match of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)(\s*\.)?/g)) found.push({ specifier: match[1]!, typeOnly: Boolean(match[2]) });
  return found;
}

const runtimeImports = (source: string) =>
  importsOf(source)
    .filter((i) => !i.typeOnly)
    .map((i) => i.specifier);

/** `from` importing `specifier`, as a key of `files`, or undefined for a package. */
function resolve(files: Record<string, string>, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const base = parts.join("/");
  return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((candidate) => candidate in files);
}

/** The import cycles (strongly connected components of more than one file, types included), by Tarjan's algorithm. */
function importCycles(files: Record<string, string>): string[][] {
  const edges = new Map(Object.entries(files).map(([file, source]) => [file, importsOf(source).flatMap((i) => resolve(files, file, i.specifier) ?? [])]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of edges.get(file)!) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== file);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

const short = (file: string) => file.replace("../../", "");

describe("layering", () => {
  it("sees the sources", () => {
    expect(Object.keys(shared).length).toBeGreaterThan(20);
    expect(Object.keys(shared)).toContain("../../shared/env.ts");
    expect(Object.keys(server)).toContain("../../durable-objects/chat-room.ts");
    expect(Object.keys(client)).toContain("../../client/index.ts");
  });

  it("shared/ imports nothing from durable-objects/ or workers/, type imports included", () => {
    const offending: string[] = [];
    for (const [file, source] of Object.entries(shared)) {
      for (const { specifier } of importsOf(source)) {
        if (/(^|\/)(durable-objects|workers)\//.test(specifier)) offending.push(`${short(file)} -> ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("no import cycle anywhere in shared/, durable-objects/ or workers/, type imports included", () => {
    expect(importCycles(server).map((cycle) => cycle.map(short))).toEqual([]);
  });

  it("no import cycle in client/ or web/src, type imports included", () => {
    // The web app's state, its controllers and the client that wires them once formed a circle of
    // seven files: the controllers now use the client (api-client.ts) and name the store's types (views.ts).
    expect(importCycles(client).map((cycle) => cycle.map(short))).toEqual([]);
  });

  it("client/ and web/ load nothing from shared/, workers/ or durable-objects/ at run time", () => {
    const offending: string[] = [];
    for (const [file, source] of Object.entries(client)) {
      for (const specifier of runtimeImports(source)) {
        if (/(^|\/)(shared|workers|durable-objects)\//.test(specifier)) offending.push(`${short(file)} -> ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("the parser sees run-time and type imports apart, and the cycle finder finds cycles", () => {
    expect(importsOf('import { RateLimiter } from "../durable-objects/rate-limiter";')).toEqual([
      { specifier: "../durable-objects/rate-limiter", typeOnly: false },
    ]);
    expect(runtimeImports('import { type A, b } from "../../workers/modules";\nexport { c } from "../workers/x";')).toEqual([
      "../../workers/modules",
      "../workers/x",
    ]);
    expect(runtimeImports('import "../workers/side-effect";\nconst m = await import("../workers/lazy");')).toEqual([
      "../workers/side-effect",
      "../workers/lazy",
    ]);
    expect(importsOf('import type { ChatRoom } from "../durable-objects/chat-room";\ntype T = import("../workers/x").T;')).toEqual([
      { specifier: "../durable-objects/chat-room", typeOnly: true },
      { specifier: "../workers/x", typeOnly: true },
    ]);
    const files = {
      "a/x.ts": 'import type { Y } from "./y";',
      "a/y.ts": 'import { z } from "../b/z";',
      "b/z.ts": 'import { x } from "../a/x";',
      "b/w.ts": 'import "../a/x";',
    };
    expect(importCycles(files)).toEqual([["a/x.ts", "a/y.ts", "b/z.ts"]]);
  });
});
