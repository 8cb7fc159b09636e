#!/usr/bin/env node
// npm run dev [-- wrangler dev args]: dev secrets if missing, local D1 migrations, then wrangler dev.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { localWranglerEnv } from "./local-wrangler-env.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const args = process.argv.slice(2);

// Local development must not need the network nor react to other wrangler sessions.
const quiet = localWranglerEnv("dev");
const run = (argv, env = quiet) => spawnSync(process.execPath, argv, { cwd: root, stdio: "inherit", env });

if (run([path.join(root, "scripts", "ensure-dev-vars.mjs")]).status !== 0) process.exit(1);

// Migrations go to the same local state wrangler dev will use.
const persistIndex = args.findIndex((arg) => arg === "--persist-to" || arg.startsWith("--persist-to="));
const persistArgs =
  persistIndex < 0 ? [] : args[persistIndex].includes("=") ? [args[persistIndex]] : ["--persist-to", args[persistIndex + 1] ?? ""];
// CI=true answers wrangler's "apply migrations?" prompt: local migrations are safe to apply.
const migrate = run([wrangler, "d1", "migrations", "apply", "DB", "--local", ...persistArgs], { ...quiet, CI: "true" });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

// wrangler.toml's top level is what `wrangler deploy` publishes, so it says production; the dev
// mailbox and other development behaviour are switched on here. wrangler dev prints a line per
// request itself, so the Worker's JSON request line is off. Push endpoints may be a local push
// service (http, loopback: bench/push.mjs). A later --var of the caller wins.
const devVars = ["--var", "ENVIRONMENT:development", "--var", "LOG_REQUESTS:false", "--var", "PUSH_ALLOW_INSECURE_ENDPOINTS:true"];
const dev = spawn(process.execPath, [wrangler, "dev", ...devVars, ...args], { cwd: root, stdio: "inherit", env: quiet });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
