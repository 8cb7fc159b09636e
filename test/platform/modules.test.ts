import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it, vi } from "vitest";
import { VAR_SECTIONS } from "../../shared/config";
import { appFor, loadApp } from "../../workers/api/app";
import { deadLetterHandlers, jobHandlers, modules } from "../../workers/modules";

/** Every `.route(path, router)` the app makes while it is built. */
async function mountsOfApp(build: () => Promise<unknown> = () => loadApp(null)): Promise<{ path: string; router: unknown }[]> {
  const route = vi.spyOn(OpenAPIHono.prototype, "route");
  try {
    await build();
    return route.mock.calls.map((args) => ({ path: args[0], router: (args as unknown[])[1] }));
  } finally {
    route.mockRestore();
  }
}

/** The routers a request path reaches: mounted and not empty. */
const withRoutes = (mounts: { path: string; router: unknown }[]) => mounts.filter(({ router }) => (router as OpenAPIHono).routes.length > 0);

describe("module manifests", () => {
  it("the app mounts exactly the manifests' routers at their paths, then the docs router built from the app", async () => {
    const mounts = await mountsOfApp();
    const declared = await Promise.all(
      modules.flatMap((module) => ("routes" in module ? Object.values(module.routes) : [])).map(async (mount) => ({ path: mount.path, router: await mount.load() })),
    );
    const docs = mounts.at(-1)!;
    expect(docs.path).toBe("/");
    expect(declared.map((mount) => mount.router)).not.toContain(docs.router);
    const mounted = mounts.slice(0, -1);
    expect(mounted).toHaveLength(declared.length);
    for (const mount of declared) expect(mounted).toContainEqual(mount);
  });

  it("the app for one request path loads only the routers mounted above it, in the same chain", async () => {
    const { chatModule } = await import("../../workers/modules/chat");
    const { studioModule } = await import("../../workers/modules/studio");
    const mounts = await mountsOfApp(() => loadApp("/v1/chats/123/messages"));
    const declared = modules.flatMap((module) => ("routes" in module ? Object.values(module.routes) : []));
    // every link of the chain (buildApp's, the whole app's): the routers that cannot answer are empty
    expect(mounts).toHaveLength(declared.length + 1);
    expect(mounts.slice(0, -1).map((m) => m.path).sort()).toEqual(declared.map((m) => m.path).sort());
    const loaded = withRoutes(mounts.slice(0, -1)).map((m) => m.router);
    expect(loaded).toContain(await chatModule.routes.chats.load());
    expect(loaded).not.toContain(await studioModule.routes.library.load());
    for (const { path } of withRoutes(mounts.slice(0, -1))) expect(path === "/" || "/v1/chats/123/messages".startsWith(`${path}/`)).toBe(true);
    // the same path gives the same app; an encoded path is matched decoded, as Hono routes it
    expect(await appFor("/v1/chats/123/messages")).toBe(await appFor("/v1/chats/9"));
    expect(await appFor("/v1/%63hats/9")).toBe(await appFor("/v1/chats/9"));
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
