// A Worker's code bundled as wrangler bundles it (esbuild, ESM, the `workerd`/`browser` conditions,
// zod aliased to shared/zod-without-locales.ts), to run in Node: `cloudflare:workers` becomes a stub
// of the names the code takes from it at load. bench:heap counts what such a bundle leaves on the
// heap; the stand-ins' test (test/dev-server/library-stand-ins.test.ts) runs one.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

const CLOUDFLARE_WORKERS_STUB =
  "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\nexport class WorkerEntrypoint {}\nexport const waitUntil = () => {};\nexport const env = {};\n";

/**
 * Bundles `source` (module text, imports from the repository's root) into `outfile`, minified, with
 * `aliases` on top of zod's; the stub of `cloudflare:workers` is written beside `outfile`. Returns
 * esbuild's metafile (which inputs went in).
 */
export async function bundleForNode({ source, outfile, aliases = {} }) {
  const stubFile = path.join(path.dirname(outfile), "cloudflare-workers.mjs");
  writeFileSync(stubFile, CLOUDFLARE_WORKERS_STUB);
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    minify: true,
    outfile,
    metafile: true,
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser", "import"],
    alias: { zod: path.join(root, "shared", "zod-without-locales.ts"), "cloudflare:workers": stubFile, ...aliases },
    external: ["node:*"],
    logLevel: "error",
  });
  return result.metafile;
}
