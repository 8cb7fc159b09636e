/// <reference types="vite/types/importMeta.d.ts" />
import { describe, expect, it } from "vitest";

// The client library runs in browsers and apps: it names the server's types (AppType, Message,
// Call) but must not load server code, or the web bundle would carry the Worker.
const sources = import.meta.glob<string>(["../../client/**/*.ts", "../../web/src/**/*.{ts,tsx}"], { query: "?raw", import: "default", eager: true });

function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gms)) {
    if (!match[2]) specifiers.push(match[4]!);
  }
  return specifiers;
}

describe("client and web layering", () => {
  it("load nothing from shared/, workers/ or durable-objects/ at run time", () => {
    expect(Object.keys(sources)).toContain("../../client/index.ts");
    const offending: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      for (const specifier of runtimeImports(source)) {
        if (/(^|\/)(shared|workers|durable-objects)\//.test(specifier)) offending.push(`${file.replace("../../", "")} -> ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
