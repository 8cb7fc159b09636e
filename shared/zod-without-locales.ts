// What `import ... from "zod"` resolves to in the Workers' bundles (the [alias] of wrangler.toml and
// workers/realtime/wrangler.toml, and of the tests' runner): zod's classic API, as zod's own entry
// exports it, without its 40 locales, its compiler and its JSON Schema importer. @hono/zod-openapi
// passes zod's `z` namespace around as a value, so a bundle keeps every module that namespace
// exports; through zod's own entry that was 364 KiB of locales alone in every isolate (the
// platform's messages are English) and put the API Worker's gzip over 1 MiB (bench:startup).
// Types still come from zod itself; a name missing here fails the build, not a request.
export * from "./zod-without-locales-exports";
import * as z from "./zod-without-locales-exports";
export { z, z as default };
