#!/usr/bin/env node
// Builds the web client (web/) into web/dist/app/, which wrangler serves as static assets at /app.
// Copied files are written beside web/dist and renamed over the old ones, so a running wrangler dev keeps serving whole files. Run by wrangler itself ([build] in wrangler.toml: dev and deploy) and by the test config.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = path.join(root, "web", "dist", "app");
/** Where files are written before they are renamed into web/dist (git-ignored): beside web/dist, not in it, since wrangler serves and watches everything there. */
const scratchDirectory = path.join(root, "web", ".tmp");

/** The product's name and description (shared/product.json, which the server reads too). */
const product = JSON.parse(readFileSync(path.join(root, "shared", "product.json"), "utf8"));
/** The code of the web app reads the name as a constant; the pages and the manifest have it written in. */
const productDefines = { __PRODUCT_NAME__: JSON.stringify(product.name) };
const withProduct = (text) => text.replaceAll("%PRODUCT_NAME%", product.name).replaceAll("%PRODUCT_DESCRIPTION%", product.description);
/**
 * Writes `to` whole or not at all: to a file of this process's own, then renamed over it. Several
 * `wrangler dev` sessions starting at once (the dev-server tests) each run this build: copying over
 * a file another one was copying failed with EEXIST (it failed CI), and a file written in place
 * could be read half-written.
 */
function writeAtomically(to, contents) {
  const scratch = path.join(scratchDirectory, `${process.pid}-${path.basename(to)}`);
  writeFileSync(scratch, contents);
  renameSync(scratch, to);
}
const copyFile = (from, to) => writeAtomically(to, readFileSync(from));
/** Copies a text file with the product's name written in. */
const copyWithProduct = (from, to) => writeAtomically(to, withProduct(readFileSync(from, "utf8")));

/**
 * hono/jsx/dom marks a removed component (`node.a`) so that its next update is dropped, but it
 * clears the mark on that first dropped update: a second state change of a page that was left
 * (a fetch answering, a hub frame) renders it again into its old parent, next to the page that
 * replaced it. A component once removed must never render again, so the mark stays. The build
 * fails if the code it fixes changes, so a hono upgrade is checked against this again.
 */
const keepRemovedComponentsRemoved = {
  name: "keep-removed-components-removed",
  setup(build) {
    build.onLoad({ filter: /hono[\\/]dist[\\/]jsx[\\/]dom[\\/]render\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const buggy = /if \(node\.a\) \{\s*delete node\.a;\s*return;\s*\}/;
      if (!buggy.test(source)) throw new Error(`${args.path}: the removed-component check changed; review keepRemovedComponentsRemoved`);
      return { contents: source.replace(buggy, "if (node.a) return;"), loader: "js" };
    });
  },
};

export async function buildWeb() {
  mkdirSync(out, { recursive: true });
  mkdirSync(scratchDirectory, { recursive: true });
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
    define: productDefines,
    plugins: [keepRemovedComponentsRemoved],
    logLevel: "warning",
  });
  // The SFrame worker of encrypted calls (web/src/sframe-worker.ts): RTCRtpScriptTransform runs it by URL.
  await build({
    entryPoints: [path.join(root, "web", "src", "sframe-worker.ts")],
    outfile: path.join(out, "sframe-worker.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
  // sw.js is the service worker (plain JavaScript, served at /app/sw.js); the manifest makes the app installable.
  for (const file of ["app.css", "icon.svg", "sw.js"]) copyFile(path.join(root, "web", file), path.join(out, file));
  for (const file of ["index.html", "manifest.webmanifest"]) copyWithProduct(path.join(root, "web", file), path.join(out, file));
  // The installed app's PNG icons and the notification badge (scripts/build-icons.mjs draws them).
  mkdirSync(path.join(out, "icons"), { recursive: true });
  for (const icon of readdirSync(path.join(root, "web", "icons"))) copyFile(path.join(root, "web", "icons", icon), path.join(out, "icons", icon));
  // Browsers ask every origin for /favicon.ico, whatever the page says.
  copyFile(path.join(root, "web", "favicon.ico"), path.join(root, "web", "dist", "favicon.ico"));
  // Header rules apply to the whole assets directory, so this file sits at its root.
  copyFile(path.join(root, "web", "_headers"), path.join(root, "web", "dist", "_headers"));
  // The page at / points people to the app and developers to the docs.
  copyWithProduct(path.join(root, "web", "landing.html"), path.join(root, "web", "dist", "index.html"));
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
    define: productDefines,
    plugins: [keepRemovedComponentsRemoved],
    logLevel: "warning",
  });
  for (const page of ["verify-email", "reset-password"]) {
    mkdirSync(path.join(root, "web", "dist", page), { recursive: true });
    copyWithProduct(path.join(root, "web", "account-link.html"), path.join(root, "web", "dist", page, "index.html"));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWeb();
