#!/usr/bin/env node
// npm run check:deploy [-- --config wrangler.toml] [-- --secrets-file production.env]
// Checks what `wrangler deploy` would publish (the top level of the config), the realtime Worker's
// bindings against it, and the Worker's secrets before deploying: required secrets present, no development settings, URLs that agree.
// Secrets come from a file (.env lines or a JSON object; their values are checked too) or, without
// one, from `wrangler secret list` (names only; needs `wrangler login`). The rules are
// workers/deploy-check.ts; docs/deploy.md explains each.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse as parseToml } from "smol-toml";
import { loadDeclarations } from "./load-declarations.mjs";
import { platformConfigs, realtimeWorkerFindings } from "./realtime-config.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: options } = parseArgs({
  options: { config: { type: "string", default: "wrangler.toml" }, "secrets-file": { type: "string" } },
});

function secretsFromWrangler(configPath) {
  const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const listed = spawnSync(process.execPath, [wrangler, "secret", "list", "--format", "json", "--config", configPath], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (listed.status !== 0) {
    process.stderr.write(listed.stderr || listed.stdout);
    console.error("check:deploy: `wrangler secret list` failed; log in (`npx wrangler login`) or pass --secrets-file <file>.");
    process.exit(2);
  }
  // The JSON array, after whatever wrangler printed before it (an update notice, a "[WARNING]").
  const json = listed.stdout.slice(listed.stdout.search(/^\[(\s*\{|\])/m));
  return new Set(JSON.parse(json).map((secret) => secret.name));
}

const configPath = path.resolve(root, options.config);
const config = parseToml(readFileSync(configPath, "utf8"));
const { checkDeployment, modules, parseSecretsFile } = await loadDeclarations();
const secretValues = options["secrets-file"] ? parseSecretsFile(readFileSync(path.resolve(options["secrets-file"]), "utf8")) : undefined;
const secrets = secretValues ? new Set(Object.keys(secretValues)) : secretsFromWrangler(configPath);

const findings = checkDeployment(modules, {
  vars: Object.fromEntries(Object.entries(config.vars ?? {}).map(([name, value]) => [name, String(value)])),
  secrets,
  secretValues,
  emailBinding: (config.send_email ?? []).some((binding) => binding.name === "EMAIL"),
  d1DatabaseId: (config.d1_databases ?? []).find((database) => database.binding === "DB")?.database_id,
  environments: Object.keys(config.env ?? {}),
});
// The realtime Worker (workers/realtime/wrangler.toml) is deployed with the API's [vars] and D1
// database (scripts/deploy.mjs); what must agree between the two configs is their bindings.
findings.push(...realtimeWorkerFindings(config, platformConfigs(configPath).realtime));

for (const finding of findings) console.log(`${finding.level === "error" ? "error  " : "warning"}  ${finding.subject}: ${finding.message}`);
const errors = findings.filter((finding) => finding.level === "error").length;
console.log(`check:deploy: ${path.relative(root, configPath)}, ${secrets.size} secrets: ${errors} errors, ${findings.length - errors} warnings`);
process.exit(errors > 0 ? 1 : 0);
