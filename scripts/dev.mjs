#!/usr/bin/env node
// npm run dev [-- wrangler dev args]: dev secrets if missing, local D1 migrations, then wrangler dev,
// with its output shortened (scripts/dev-output.mjs).
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cronsOf, startCronTicker } from "./dev-crons.mjs";
import { bindingsTableFilter, migrationSummary } from "./dev-output.mjs";
import { localWranglerEnv } from "./local-wrangler-env.mjs";
import { realtimeDevConfig, varsOfArgs } from "./realtime-config.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const args = process.argv.slice(2);

// Local development must not need the network nor react to other wrangler sessions.
const quiet = localWranglerEnv("dev");
const run = (argv, env = quiet) => spawnSync(process.execPath, argv, { cwd: root, stdio: "inherit", env });

if (run([path.join(root, "scripts", "ensure-dev-vars.mjs")]).status !== 0) process.exit(1);

// Migrations go to the same local state wrangler dev will use.
const persistIndex = args.findIndex((arg) => arg === "--persist-to" || arg.startsWith("--persist-to="));
const persistArgs = persistIndex < 0 ? [] : args[persistIndex].includes("=") ? [args[persistIndex]] : ["--persist-to", args[persistIndex + 1] ?? ""];
// CI=true answers wrangler's "apply migrations?" prompt: local migrations are safe to apply.
// Its tables (one per migration) are summed up in a line; a failure prints them all.
const migrate = spawnSync(process.execPath, [wrangler, "d1", "migrations", "apply", "DB", "--local", ...persistArgs], {
  cwd: root,
  env: { ...quiet, CI: "true" },
  encoding: "utf8",
  stdio: ["inherit", "pipe", "pipe"],
});
const migrated = migrationSummary(`${migrate.stdout}${migrate.stderr}`, migrate.status);
if (migrated) console.log(migrated);
else {
  process.stdout.write(migrate.stdout ?? "");
  process.stderr.write(migrate.stderr ?? "");
  process.exit(migrate.status ?? 1);
}

// wrangler.toml's top level is what `wrangler deploy` publishes, so it says production; the dev
// mailbox and other development behaviour are switched on here. wrangler dev prints a line per
// request itself, so the Worker's JSON request line is off. Push endpoints may be a local push
// service (http, loopback: bench/push.mjs). A later --var of the caller wins.
// The issuer and the links in mails name the port this server listens on (`-- --port 8788`).
const portIndex = args.findIndex((arg) => arg === "--port" || arg.startsWith("--port="));
const port = portIndex < 0 ? "8787" : args[portIndex].includes("=") ? args[portIndex].split("=")[1] : args[portIndex + 1];
const origin = `http://localhost:${port}`;
const devVars = ["--var", "ENVIRONMENT:development", "--var", "LOG_REQUESTS:false", "--var", `JWT_ISSUER:${origin}`, "--var", `APP_BASE_URL:${origin}`, "--var", "PUSH_ALLOW_INSECURE_ENDPOINTS:true", "--var", "PHONE_SIGN_IN:true"];
// wrangler's output passes through a filter (scripts/dev-output.mjs) that keeps its colours on a
// terminal; wrangler offers its hotkeys only when it writes to the terminal itself, which
// DEV_OUTPUT=full restores (with the whole bindings table).
const full = process.env.DEV_OUTPUT === "full";
// Both Workers in one session: the API (wrangler.toml, first: it gets the port and the proxy) and
// the realtime Worker its chat rooms and calls run in (scripts/realtime-config.mjs).
// Its config is written per port: wrangler dev reloads a Worker whose config file changes, so two
// sessions at once (the dev-server tests start several) writing one file gave each the other's vars.
const realtime = realtimeDevConfig(`dev-${port}`, varsOfArgs([...devVars, ...args]));
const dev = spawn(process.execPath, [wrangler, "dev", "-c", "wrangler.toml", "-c", realtime, ...devVars, ...args], {
  cwd: root,
  stdio: full ? "inherit" : ["inherit", "pipe", "pipe"],
  env: process.stdout.isTTY ? { ...quiet, FORCE_COLOR: "1" } : quiet,
});
if (!full) {
  for (const [from, to] of [
    [dev.stdout, process.stdout],
    [dev.stderr, process.stderr],
  ]) {
    const filter = bindingsTableFilter();
    from.setEncoding("utf8");
    from.on("data", (chunk) => to.write(filter.push(chunk)));
    from.on("end", () => to.write(filter.end()));
  }
}
startCronTicker({ origin, crons: cronsOf(path.join(root, "wrangler.toml")) });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
// "close", not "exit": the last of its output has gone through the filter by then.
dev.on("close", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
