#!/usr/bin/env node
// Builds the web client (web/) into web/dist/app/, which wrangler serves as static assets at /app.
// Files are overwritten in place (a running wrangler dev keeps serving). Run by wrangler itself ([build] in wrangler.toml: dev and deploy) and by the test config.
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = path.join(root, "web", "dist", "app");

export async function buildWeb() {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [path.join(root, "web", "src", "main.tsx")],
    outfile: path.join(out, "main.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    jsx: "automatic",
    jsxImportSource: "hono/jsx/dom",
    logLevel: "warning",
  });
  // sw.js is the service worker (plain JavaScript, served at /app/sw.js); the manifest makes the app installable.
  for (const file of ["index.html", "app.css", "icon.svg", "sw.js", "manifest.webmanifest"]) cpSync(path.join(root, "web", file), path.join(out, file));
  // Header rules apply to the whole assets directory, so this file sits at its root.
  cpSync(path.join(root, "web", "_headers"), path.join(root, "web", "dist", "_headers"));
  // The page at / points people to the app and developers to the docs.
  cpSync(path.join(root, "web", "landing.html"), path.join(root, "web", "dist", "index.html"));
  // The pages e-mailed links land on (/verify-email, /reset-password), one script for both.
  await build({
    entryPoints: [path.join(root, "web", "src", "account-links.tsx")],
    outfile: path.join(out, "account-links.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    jsxImportSource: "hono/jsx/dom",
    logLevel: "warning",
  });
  for (const page of ["verify-email", "reset-password"]) {
    mkdirSync(path.join(root, "web", "dist", page), { recursive: true });
    cpSync(path.join(root, "web", "account-link.html"), path.join(root, "web", "dist", page, "index.html"));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWeb();
