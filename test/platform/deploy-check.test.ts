import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import deployDoc from "../../docs/deploy.md?raw";
import wranglerToml from "../../wrangler.toml?raw";
import { checkDeployment, type DeployConfiguration, declaredSecrets, parseSecretsFile, SECRETS_IN_PRODUCTION } from "../../workers/deploy-check";
import { modules } from "../../workers/modules";

const productionKeys = {
  JWT_SIGNING_KEYS: JSON.stringify([{ kty: "EC", crv: "P-256", x: "x", y: "y", d: "d", kid: "2026-11-23-a1b2", alg: "ES256" }]),
  MEDIA_URL_SIGNING_KEYS: JSON.stringify([{ kid: "2026-11-23-c3d4", secret: "s".repeat(43) }]),
};

/** A configuration ready for production (but for TURN_SECRET), changed by `overrides`. */
function production({ vars, ...overrides }: Partial<DeployConfiguration> = {}): DeployConfiguration {
  const secretValues = overrides.secretValues ?? { ...productionKeys, VIDEO_SIGNING_KEY: '{"kid":"abc"}', VIDEO_WEBHOOK_SECRET: "w", METRICS_TOKEN: "m" };
  return {
    secrets: new Set(Object.keys(secretValues)),
    secretValues,
    emailBinding: true,
    d1DatabaseId: "4e1c28a9-90e4-41da-8b4b-6cf36e5b3f0f",
    environments: [],
    ...overrides,
    vars: {
      ENVIRONMENT: "production",
      JWT_ISSUER: "https://api.family.app",
      APP_BASE_URL: "https://family.app",
      CORS_ALLOWED_ORIGINS: "https://family.app",
      EMAIL_FROM: "no-reply@family.app",
      TURN_URLS: "turn:turn.family.app:3478",
      JOBS_AI_MODEL: "text-model",
      ...vars,
    },
  };
}

function withTurnSecret(config: DeployConfiguration): DeployConfiguration {
  return { ...config, secrets: new Set([...config.secrets, "TURN_SECRET"]) };
}

const errorsOf = (config: DeployConfiguration) => checkDeployment(modules, config).filter((finding) => finding.level === "error");
const subjects = (config: DeployConfiguration) => errorsOf(config).map((finding) => finding.subject);

describe("the secrets the platform reads", () => {
  it("each has a production rule in the checker", () => {
    expect(Object.keys(SECRETS_IN_PRODUCTION).sort()).toEqual(declaredSecrets(modules).sort());
  });

  it("are exactly the ones docs/deploy.md lists under Secrets", () => {
    const section = deployDoc.slice(deployDoc.indexOf("\n## Secrets\n"), deployDoc.indexOf("\n## ", deployDoc.indexOf("\n## Secrets\n") + 1));
    const listed = [...section.matchAll(/^\| `([A-Z0-9_*]+)` \|/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...declaredSecrets(modules), "STUDIO_SECRET_*"].sort());
  });
});

describe("docs/deploy.md", () => {
  const config = parse(wranglerToml) as {
    d1_databases: { binding: string }[];
    r2_buckets: { binding: string }[];
    queues: { producers: { binding: string; queue: string }[]; consumers: { queue: string }[] };
    durable_objects: { bindings: { name: string; class_name: string }[] };
    migrations: { tag: string }[];
    stream: { binding: string };
    images: { binding: string };
    analytics_engine_datasets: { binding: string }[];
    triggers: { crons: string[] };
  };
  const section = (heading: string) =>
    deployDoc.slice(deployDoc.indexOf(`\n## ${heading}\n`), deployDoc.indexOf("\n## ", deployDoc.indexOf(`\n## ${heading}\n`) + 1));

  it("names every binding, queue, Durable Object class and migration tag of wrangler.toml under Resources", () => {
    const resources = section("Resources");
    const names = [
      ...config.d1_databases.map((d) => d.binding),
      ...config.r2_buckets.map((r) => r.binding),
      ...config.queues.producers.flatMap((p) => [p.binding, p.queue]),
      ...config.queues.consumers.map((c) => c.queue),
      ...config.durable_objects.bindings.flatMap((b) => [b.name, b.class_name]),
      ...config.migrations.map((m) => m.tag),
      config.stream.binding,
      config.images.binding,
      ...config.analytics_engine_datasets.map((a) => a.binding),
    ];
    for (const name of names) expect(resources, name).toContain(`\`${name}\``);
  });

  it("lists every cron trigger with its tasks", () => {
    const resources = section("Resources");
    for (const cron of config.triggers.crons) expect(resources, cron).toContain(`| \`${cron}\` |`);
  });
});

describe("npm run check:deploy", () => {
  it("passes a complete production configuration", () => {
    expect(errorsOf(withTurnSecret(production()))).toEqual([]);
  });

  it("refuses the repository's wrangler.toml as it is, with the secrets npm run dev generates", () => {
    const config = parse(wranglerToml) as { vars: Record<string, string>; d1_databases: { binding: string; database_id: string }[] };
    const devSecrets = { ...productionKeys, JWT_SIGNING_KEYS: JSON.stringify([{ d: "d", kid: "dev-1234" }]) };
    const found = subjects({
      vars: config.vars,
      secrets: new Set(Object.keys(devSecrets)),
      secretValues: devSecrets,
      emailBinding: false,
      d1DatabaseId: config.d1_databases.find((database) => database.binding === "DB")!.database_id,
      environments: [],
    });
    expect(found).toEqual(expect.arrayContaining(["JWT_SIGNING_KEYS", "DB", "JWT_ISSUER", "APP_BASE_URL", "EMAIL_FROM", "EMAIL"]));
  });

  it("refuses a deployment without MEDIA_URL_SIGNING_KEYS, saying signed URLs would answer 503", () => {
    const { MEDIA_URL_SIGNING_KEYS: _, ...rest } = productionKeys;
    const errors = errorsOf(withTurnSecret(production({ secretValues: rest })));
    expect(errors.map((finding) => finding.subject)).toEqual(["MEDIA_URL_SIGNING_KEYS"]);
    expect(errors[0]!.message).toContain("503");
  });

  it("checks the shape of secret values it is given", () => {
    const found = subjects(
      withTurnSecret(
        production({ secretValues: { JWT_SIGNING_KEYS: JSON.stringify([{ kid: "k" }]), MEDIA_URL_SIGNING_KEYS: '[{"kid":"m","secret":"short"}]' } }),
      ),
    );
    expect(found).toEqual(["JWT_SIGNING_KEYS", "MEDIA_URL_SIGNING_KEYS"]);
  });

  it("works from secret names alone (wrangler secret list)", () => {
    const names = new Set(["JWT_SIGNING_KEYS", "MEDIA_URL_SIGNING_KEYS", "TURN_SECRET"]);
    expect(errorsOf({ ...production(), secrets: names, secretValues: undefined })).toEqual([]);
  });

  it("refuses development settings", () => {
    expect(subjects(withTurnSecret(production({ vars: { ENVIRONMENT: "development" } })))).toEqual(["ENVIRONMENT"]);
    expect(subjects(withTurnSecret(production({ environments: ["production"] })))).toEqual(["env.production"]);
    expect(subjects(withTurnSecret(production({ vars: { METRICS_TOKEN: "in plain text" } })))).toEqual(["METRICS_TOKEN"]);
    expect(subjects(withTurnSecret(production({ d1DatabaseId: "00000000-0000-0000-0000-000000000000" })))).toEqual(["DB"]);
    const warnings = checkDeployment(modules, withTurnSecret(production({ vars: { JOBS_AI_MODEL: "dev-text", BOOTSTRAP_ADMIN_EMAIL: "me@family.app" } })));
    expect(warnings.map((finding) => finding.subject)).toEqual(expect.arrayContaining(["JOBS_AI_MODEL", "BOOTSTRAP_ADMIN_EMAIL"]));
  });

  it("wants URLs that agree: public https, and the web app's origin allowed by CORS", () => {
    expect(subjects(withTurnSecret(production({ vars: { JWT_ISSUER: "http://api.family.app" } })))).toEqual(["JWT_ISSUER"]);
    expect(subjects(withTurnSecret(production({ vars: { APP_BASE_URL: "http://localhost:8787" } })))).toEqual(["APP_BASE_URL", "CORS_ALLOWED_ORIGINS"]);
    expect(subjects(withTurnSecret(production({ vars: { CORS_ALLOWED_ORIGINS: "https://other.app" } })))).toEqual(["CORS_ALLOWED_ORIGINS"]);
    expect(subjects(withTurnSecret(production({ vars: { CORS_ALLOWED_ORIGINS: "https://family.app/" } })))).toContain("CORS_ALLOWED_ORIGINS");
    expect(errorsOf(withTurnSecret(production({ vars: { CORS_ALLOWED_ORIGINS: "*" } })))).toEqual([]);
  });

  it("wants what an optional piece needs once it is switched on", () => {
    expect(subjects(production())).toEqual(["TURN_SECRET"]);
    expect(subjects(production({ vars: { TURN_URLS: "", CLOUDFLARE_TURN_KEY_ID: "key" } }))).toEqual(["CLOUDFLARE_TURN_API_TOKEN"]);
    expect(subjects(withTurnSecret(production({ vars: { CLOUDFLARE_ACCOUNT_ID: "acc" } })))).toEqual(["CLOUDFLARE_STREAM_API_TOKEN"]);
    expect(subjects(withTurnSecret(production({ emailBinding: false })))).toEqual(["EMAIL"]);
  });

  it("warns about what a missing optional secret switches off, and about secrets nobody reads", () => {
    const findings = checkDeployment(
      modules,
      withTurnSecret(production({ secretValues: { ...productionKeys, STUDIO_SECRET_OPENAI: "k", MEDIA_URL_SIGNING_KEY: "typo" } })),
    );
    const warned = findings.filter((finding) => finding.level === "warning").map((finding) => finding.subject);
    expect(warned).toEqual(expect.arrayContaining(["VIDEO_SIGNING_KEY", "VIDEO_WEBHOOK_SECRET", "METRICS_TOKEN", "MEDIA_URL_SIGNING_KEY"]));
    expect(warned).not.toContain("STUDIO_SECRET_OPENAI");
  });

  it("warns when only one half of the SFU app (id or secret) is set, or topology sfu has no SFU", () => {
    const warnings = (config: DeployConfiguration) =>
      checkDeployment(modules, config)
        .filter((finding) => finding.level === "warning" && /REALTIME|CALL_TOPOLOGY/.test(finding.subject))
        .map((finding) => finding.subject);
    const base = withTurnSecret(production());
    expect(warnings(base)).toEqual([]);
    expect(warnings({ ...base, vars: { ...base.vars, CLOUDFLARE_REALTIME_APP_ID: "app" } })).toEqual(["CLOUDFLARE_REALTIME_APP_SECRET"]);
    expect(warnings({ ...base, secrets: new Set([...base.secrets, "CLOUDFLARE_REALTIME_APP_SECRET"]) })).toEqual(["CLOUDFLARE_REALTIME_APP_ID"]);
    expect(warnings({ ...base, vars: { ...base.vars, CALL_TOPOLOGY: "sfu" } })).toEqual(["CALL_TOPOLOGY"]);
    const both = {
      ...base,
      vars: { ...base.vars, CLOUDFLARE_REALTIME_APP_ID: "app", CALL_TOPOLOGY: "sfu" },
      secrets: new Set([...base.secrets, "CLOUDFLARE_REALTIME_APP_SECRET"]),
    };
    expect(warnings(both)).toEqual([]);
    expect(errorsOf(both)).toEqual([]);
  });
});

describe("secrets files", () => {
  it("reads .env lines, quoted or not, and JSON objects", () => {
    expect(parseSecretsFile("# comment\nA=1\nexport B='x=y'\nC=\"[1]\"\n\n")).toEqual({ A: "1", B: "x=y", C: "[1]" });
    expect(parseSecretsFile('{"A": "1", "B": 2}')).toEqual({ A: "1", B: "2" });
  });
});
