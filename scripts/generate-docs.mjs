// npm run docs:generate — writes docs/configuration.md and docs/errors.md from the modules'
// declarations (workers/reference-docs.ts); test/platform/reference-docs.test.ts holds the
// committed files to what this writes.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDeclarations } from "./load-declarations.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { configurationReference, errorsReference, modules } = await loadDeclarations();
writeFileSync(path.join(root, "docs", "configuration.md"), configurationReference(modules));
writeFileSync(path.join(root, "docs", "errors.md"), errorsReference(modules));
console.log("wrote docs/configuration.md and docs/errors.md");
