import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import wranglerToml from "../../wrangler.toml?raw";

interface WranglerConfig {
  vars?: Record<string, string>;
  env?: Record<string, { vars?: Record<string, string> }>;
}

const config = parse(wranglerToml) as unknown as WranglerConfig;
const topLevelVars = config.vars ?? {};

/** The Worker as `wrangler deploy` of the top level would run it: the bindings, with exactly the top-level vars. */
async function asDeployed(path: string): Promise<Response> {
  const deployedEnv = { ...env, ...topLevelVars };
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://platform.test${path}`), deployedEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("finding 6: the top level of wrangler.toml is safe to deploy", () => {
  it("sets ENVIRONMENT to production", () => {
    expect(topLevelVars.ENVIRONMENT).toBe("production");
  });

  it("deployed as it is, the dev mailbox does not exist", async () => {
    const response = await asDeployed("/dev/mailbox?to=someone@example.com");
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("items");
  });

  it("keeps no secret in plain vars", () => {
    for (const name of ["JWT_SIGNING_KEYS", "TURN_SECRET", "CLOUDFLARE_TURN_API_TOKEN"]) expect(topLevelVars).not.toHaveProperty(name);
  });

  it("the tests themselves run as ENVIRONMENT=test, set by the vitest config, not by wrangler.toml", () => {
    expect(env.ENVIRONMENT).toBe("test");
  });
});
