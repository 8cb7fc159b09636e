import { spawnSync } from "node:child_process";
import path from "node:path";

/**
 * `wrangler dev` reads its secrets from .dev.vars, which each dev-server file makes when it is
 * missing (bench/lib/dev-server.mjs). Files start side by side, so on a fresh checkout several
 * wrote it at once, each with keys of its own, and each printed ".dev.vars: generated ...".
 * Made once here before any file starts, it is there for all of them and a passing run stays quiet.
 */
export default function ensureDevVars(): void {
  const script = path.join(import.meta.dirname, "..", "..", "scripts", "ensure-dev-vars.mjs");
  const result = spawnSync(process.execPath, [script], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stdout}${result.stderr}`);
}
