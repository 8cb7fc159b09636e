import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it, vi } from "vitest";
import { VAR_SECTIONS } from "../../shared/config";
import { createApp } from "../../workers/api/app";
import { deadLetterHandlers, jobHandlers, modules } from "../../workers/modules";

/** Every `.route(path, router)` the app makes while it is built. */
function mountsOfApp(): { path: string; router: unknown }[] {
  const route = vi.spyOn(OpenAPIHono.prototype, "route");
  try {
    createApp();
    return route.mock.calls.map((args) => ({ path: args[0], router: (args as unknown[])[1] }));
  } finally {
    route.mockRestore();
  }
}

describe("module manifests", () => {
  it("the app mounts exactly the manifests' routers at their paths, then the docs router built from the app", () => {
    const mounts = mountsOfApp();
    const declared = modules.flatMap((module) => ("routes" in module ? Object.values(module.routes) : []));
    const docs = mounts.at(-1)!;
    expect(docs.path).toBe("/");
    expect(declared.map((mount) => mount.router)).not.toContain(docs.router);
    const mounted = mounts.slice(0, -1);
    expect(mounted).toHaveLength(declared.length);
    for (const mount of declared) expect(mounted).toContainEqual({ path: mount.path, router: mount.router });
  });

  it("names each module once", () => {
    const names = modules.map((module) => module.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("handles every job kind in one module only, and dead-letters only kinds that exist", () => {
    const kinds = modules.flatMap((module) => ("jobs" in module ? Object.keys(module.jobs) : []));
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.keys(jobHandlers).sort()).toEqual([...kinds].sort());
    for (const kind of Object.keys(deadLetterHandlers)) expect(kinds).toContain(kind);
  });

  it("declares every error code once across all modules", () => {
    const codes = modules.flatMap((module) => ("errors" in module ? Object.keys(module.errors) : []));
    const twice = codes.filter((code, i) => codes.indexOf(code) !== i);
    expect(twice).toEqual([]);
  });

  it("lists the same var sections the config is parsed from, each var once", () => {
    const fromManifests = modules.flatMap((module) => ("vars" in module ? [module.vars] : []));
    expect(fromManifests).toEqual(VAR_SECTIONS);
    const names = VAR_SECTIONS.flatMap((section) => Object.keys(section.vars));
    expect(new Set(names).size).toBe(names.length);
    for (const module of modules) if ("vars" in module) expect(module.vars.module).toBe(module.name);
  });
});
