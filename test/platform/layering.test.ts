/// <reference types="vite/types/importMeta.d.ts" />
import { describe, expect, it } from "vitest";

// shared/ is used by the Worker and the Durable Objects alike, so it must not load either of
// them at run time; `import type` (erased at build) is the only way it may name them.
const sources = import.meta.glob<string>("../../shared/**/*.ts", { query: "?raw", import: "default", eager: true });

/** Every module specifier a file loads at run time: static imports and re-exports that are not type-only, and dynamic import(). */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gms;
  for (const match of source.matchAll(statement)) {
    if (!match[2]) specifiers.push(match[4]!);
  }
  for (const match of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) specifiers.push(match[1]!);
  // import("...") in a type position (`import("./x").T`) is erased; a call is not.
  for (const match of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)(?!\s*\.)/g)) specifiers.push(match[1]!);
  return specifiers;
}

describe("layering", () => {
  it("sees the shared sources", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    expect(Object.keys(sources)).toContain("../../shared/env.ts");
  });

  it("shared/ imports nothing from durable-objects/ or workers/ at run time", () => {
    const offending: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      for (const specifier of runtimeImports(source)) {
        if (/(^|\/)(durable-objects|workers)\//.test(specifier)) offending.push(`${file.replace("../../", "")} -> ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("the check catches a run-time import and lets a type import pass", () => {
    expect(runtimeImports('import { RateLimiter } from "../durable-objects/rate-limiter";')).toEqual(["../durable-objects/rate-limiter"]);
    expect(runtimeImports('import { type A, b } from "../../workers/modules";\nexport { c } from "../workers/x";')).toEqual(["../../workers/modules", "../workers/x"]);
    expect(runtimeImports('import "../workers/side-effect";\nconst m = await import("../workers/lazy");')).toEqual(["../workers/side-effect", "../workers/lazy"]);
    expect(runtimeImports('import type { ChatRoom } from "../durable-objects/chat-room";\ntype T = import("../workers/x").T;')).toEqual([]);
  });
});
