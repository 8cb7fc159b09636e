import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const directory = mkdtempSync(path.join(tmpdir(), "check-deploy-"));

/** The repository's wrangler.toml with production values, as docs/deploy.md says to make it. */
function productionToml(extra = ""): string {
  const vars: Record<string, string> = {
    JWT_ISSUER: "https://api.family.app",
    APP_BASE_URL: "https://family.app",
    CORS_ALLOWED_ORIGINS: "https://family.app",
    EMAIL_FROM: "no-reply@family.app",
    JOBS_AI_MODEL: "text-model",
  };
  let toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  for (const [name, value] of Object.entries(vars)) toml = toml.replace(new RegExp(`^${name} = ".*"$`, "m"), `${name} = "${value}"`);
  toml = toml.replace(/database_id = "0{8}-0{4}-0{4}-0{4}-0{12}"/, 'database_id = "4e1c28a9-90e4-41da-8b4b-6cf36e5b3f0f"');
  return `${toml}\n[[send_email]]\nname = "EMAIL"\n${extra}`;
}

function checkDeploy(toml: string): { status: number | null; output: string } {
  const config = path.join(directory, `wrangler-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(config, toml);
  const secrets = path.join(directory, "secrets.json");
  writeFileSync(secrets, execFileSync(process.execPath, [path.join(root, "scripts", "production-secrets.mjs")], { encoding: "utf8" }));
  const run = spawnSync(process.execPath, [path.join(root, "scripts", "check-deploy.mjs"), "--config", config, "--secrets-file", secrets], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("npm run check:deploy", () => {
  it("passes wrangler.toml set up as docs/deploy.md says, with the secrets scripts/production-secrets.mjs makes", () => {
    const { status, output } = checkDeploy(productionToml());
    expect(output).toMatch(/: 0 errors, \d+ warnings/);
    expect(status).toBe(0);
  }, 60_000);

  it("refuses the same configuration with an [env.production] section", () => {
    const { status, output } = checkDeploy(productionToml('\n[env.production]\nvars = { ENVIRONMENT = "production" }\n'));
    expect(output).toContain("error    env.production:");
    expect(status).toBe(1);
  }, 60_000);
});
