// npm run docs:generate — writes docs/configuration.md and docs/errors.md from the modules'
// declarations (workers/reference-docs.ts). The Worker's sources are bundled for Node with
// esbuild (WebAssembly imports stubbed: nothing here runs them); test/platform/reference-docs.test.ts
// holds the committed files to what this writes.
import { mkdirSync, writeFileSync } from "node:fs";
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

const outfile = path.join(root, "node_modules", ".cache", "edge-platform", "reference-docs.mjs");
mkdirSync(path.dirname(outfile), { recursive: true });
await build({
  stdin: {
    contents: 'export { configurationReference, errorsReference } from "./workers/reference-docs";\nexport { modules } from "./workers/modules";\n',
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
const { configurationReference, errorsReference, modules } = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
writeFileSync(path.join(root, "docs", "configuration.md"), configurationReference(modules));
writeFileSync(path.join(root, "docs", "errors.md"), errorsReference(modules));
console.log("wrote docs/configuration.md and docs/errors.md");
