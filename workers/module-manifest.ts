import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { JobMessage } from "../shared/env";
import type { ErrorDeclaration } from "../shared/http/errors";
import type { AccountModule } from "../shared/identity/account/account-module";
import type { VarSection } from "../shared/var-declarations";
import type { AppEnv } from "./api/context";
import type { DeadLetterHandlers, JobHandler } from "./jobs/queue";
import type { CronTask } from "./jobs/scheduled";

/**
 * A router, the path app.ts mounts it at, and how to load it: the router's module is imported on
 * the first request whose path lies under `path` (workers/api/app.ts), so an isolate builds the
 * zod schemas of the routes it serves and no others.
 */
export interface MountedRouter<P extends string = string, R extends OpenAPIHono<AppEnv, Schema, string> = OpenAPIHono<AppEnv, Schema, string>> {
  path: P;
  load: () => Promise<R>;
}

/** `load` is `async () => (await import("../api/routes/<file>")).<router>`: a dynamic import, which esbuild leaves unevaluated until called. */
export function mount<const P extends string, R extends OpenAPIHono<AppEnv, Schema, string>>(path: P, load: () => Promise<R>): MountedRouter<P, R> {
  return { path, load };
}

/**
 * Everything a module adds to the platform, in one place (`workers/modules/<module>.ts`):
 * `workers/modules.ts` lists the manifests and derives the rest from them.
 */
export interface ModuleManifest {
  /** The module's key in the catalogues (`ErrorCatalogue`, `VarCatalogue`) and in docs/configuration.md and docs/errors.md. */
  name: string;
  /** Its routers by name, in the order app.ts chains them. */
  routes?: Record<string, MountedRouter>;
  /** What registration, data export and account deletion do for it. */
  account?: AccountModule;
  /** The JOBS queue consumer's handler of each job kind it declares (`JobKinds`). */
  jobs?: { [K in JobMessage["kind"]]?: JobHandler<K> };
  /** What happens, besides recording it, when one of its jobs exhausted its retries. */
  deadLetters?: DeadLetterHandlers;
  /** Its cron tasks by schedule; every schedule is a trigger in wrangler.toml. */
  cron?: Record<string, readonly CronTask[]>;
  /** Its vars (`shared/<module>/vars.ts`). */
  vars?: VarSection;
  /** Its error codes (`shared/<module>/errors.ts`). */
  errors?: Record<string, ErrorDeclaration>;
}

export function defineModule<const M extends ModuleManifest>(manifest: M): M {
  return manifest;
}
