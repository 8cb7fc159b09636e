// The environment every local `wrangler` run of this project gets (npm run dev, benchmarks, the
// tests that start `wrangler dev`): nothing that needs the network, nothing that reacts to other
// projects on the machine.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** @param {string} session a name for this wrangler process, unique among concurrent runs */
export function localWranglerEnv(session) {
  return {
    ...process.env,
    // no telemetry
    WRANGLER_SEND_METRICS: "false",
    // Request.cf comes from miniflare's built-in placeholder instead of a fetch of
    // https://workers.cloudflare.com/cf.json, which fails (with a stack trace) offline.
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    // wrangler dev watches a machine-wide registry of dev sessions (for cross-Worker bindings and
    // queues) and reprints its bindings table whenever any other session on the machine starts or
    // stops. This Worker binds no other local Worker, so each session gets a registry of its own.
    WRANGLER_REGISTRY_PATH: path.join(root, ".wrangler", "dev-registry", session),
    // wrangler's experimental local observability (on by default in the pinned 4.156) streams every
    // invocation's trace events to a collector Worker in the same process. A hibernated socket's
    // every message is an invocation, traced: bench:chat at 50 x 200 took 1.7 against 1.2 ms of
    // workerd CPU per message with it, and the room's p99 1.6x the demo's against about 1.0x
    // (docs/performance.md, 2026-11-26 22:50). The platform's own logs, traces and metrics work
    // without it (docs/observability.md); X_LOCAL_OBSERVABILITY=true brings wrangler's back.
    X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
  };
}
