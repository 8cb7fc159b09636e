// The modules' declarations and what is derived from them, loaded into Node: the Worker's sources
// are bundled with esbuild (WebAssembly imports stubbed: nothing here runs them). Used by
// `npm run docs:generate` and `npm run check:deploy`.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

const stubWasm = {
  name: "stub-wasm",
  setup(builder) {
    builder.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: args.path, namespace: "stub-wasm" }));
    builder.onLoad({ filter: /.*/, namespace: "stub-wasm" }, () => ({ contents: "export default undefined;", loader: "js" }));
  },
};

export async function loadDeclarations() {
  // One file per process: two runs at once (a test beside docs:generate) never read each other's.
  const outfile = path.join(root, "node_modules", ".cache", "edge-platform", `declarations-${process.pid}.mjs`);
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    stdin: {
      contents: [
        'export { configurationReference, errorsReference } from "./workers/reference-docs";',
        'export { checkDeployment, declaredSecrets, parseSecretsFile } from "./workers/deploy-check";',
        'export { modules } from "./workers/modules";',
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile,
    plugins: [stubWasm],
    logLevel: "error",
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  });
  try {
    return await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
  } finally {
    rmSync(outfile, { force: true });
  }
}
