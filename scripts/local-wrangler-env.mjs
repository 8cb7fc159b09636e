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
  };
}
