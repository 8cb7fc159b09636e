import type { VarDeclaration } from "../shared/var-declarations";
import type { ModuleManifest } from "./module-manifest";

// `npm run check:deploy` (scripts/check-deploy.mjs): what a configuration lacks before
// `wrangler deploy` publishes it. Pure, so test/platform/deploy-check.test.ts runs it on made-up
// configurations; the secrets it knows of come from the modules' var declarations.

/** What is about to be deployed: the top level of wrangler.toml and the Worker's secrets. */
export interface DeployConfiguration {
  /** The top-level `[vars]`: what `wrangler deploy` publishes. */
  vars: Readonly<Record<string, string>>;
  /** Names of the secrets the Worker has (`wrangler secret list`) or will get (a secrets file). */
  secrets: ReadonlySet<string>;
  /** Their values, when they come from a file: their shape is checked too. */
  secretValues?: Readonly<Record<string, string>>;
  /** Whether a `[[send_email]]` binding named EMAIL exists. */
  emailBinding: boolean;
  /** `database_id` of the DB binding. */
  d1DatabaseId?: string;
  /** Names of `[env.*]` sections. */
  environments: readonly string[];
}

export interface Finding {
  level: "error" | "warning";
  /** The var, secret or binding concerned. */
  subject: string;
  message: string;
}

/**
 * Every secret the platform reads, and what a deployment without it loses. `required`: the
 * platform does not work without it; otherwise the sentence says what is switched off.
 * test/platform/deploy-check.test.ts holds this table to the declared secrets.
 */
export const SECRETS_IN_PRODUCTION: Record<string, { required: boolean; without: string }> = {
  JWT_SIGNING_KEYS: { required: true, without: "no access token can be issued or verified: login, registration and every authenticated request fail" },
  MEDIA_URL_SIGNING_KEYS: { required: true, without: "every signed content URL answers 503 (chat images and attachments, studio share links)" },
  TURN_SECRET: { required: false, without: "no coturn credentials (needed only with TURN_URLS)" },
  CLOUDFLARE_TURN_API_TOKEN: { required: false, without: "no Cloudflare TURN credentials (needed only with CLOUDFLARE_TURN_KEY_ID)" },
  CLOUDFLARE_REALTIME_APP_SECRET: {
    required: false,
    without: "no Cloudflare Realtime SFU: group calls stay a mesh of at most CALL_MESH_MAX_PARTICIPANTS (needed only with CLOUDFLARE_REALTIME_APP_ID)",
  },
  METRICS_TOKEN: { required: false, without: "GET /metrics answers only admins' access tokens, so a scraper needs an admin account" },
  VIDEO_SIGNING_KEY: { required: false, without: "playback of a video not visible to everyone answers 503 playback_signing_unavailable" },
  VIDEO_WEBHOOK_SECRET: { required: false, without: "Stream's webhooks answer 503; videos leave processing only when the cron polls Stream" },
  CLOUDFLARE_STREAM_API_TOKEN: {
    required: false,
    without: "direct video uploads over 200 MB (tus through Stream's API; needed only with CLOUDFLARE_ACCOUNT_ID)",
  },
  PUSH_VAPID_PRIVATE_KEY: {
    required: false,
    without: "no Web Push: browsers get no notifications, calls ring only where the app is open (docs/notifications.md)",
  },
  PUSH_FCM_SERVICE_ACCOUNT: { required: false, without: "no FCM devices: native apps cannot register for pushes" },
  TWILIO_AUTH_TOKEN: {
    required: false,
    without: "no SMS: adding a phone number, phone sign-in and password reset by text answer 503 sms_unavailable (needed with TWILIO_ACCOUNT_SID and SMS_FROM)",
  },
  OIDC_SIGNING_KEYS: { required: false, without: "no single sign-on: /oauth/* and the OpenID discovery answer 503 not_configured (docs/sso.md)" },
};

/** Provider credentials the studio's AI providers name (`auth.secretRef`): any name with this prefix. */
export const STUDIO_SECRET_PREFIX = "STUDIO_SECRET_";

/** The secrets the modules declare, in module order. */
export function declaredSecrets(modules: readonly ModuleManifest[]): string[] {
  return modules.flatMap((module) =>
    Object.entries((module.vars?.vars ?? {}) as Record<string, VarDeclaration>)
      .filter(([, declaration]) => declaration.secret)
      .map(([name]) => name),
  );
}

/** A secrets file: `.env` lines (`NAME=value`, optionally quoted) or a JSON object. */
export function parseSecretsFile(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    return Object.fromEntries(Object.entries(JSON.parse(trimmed) as Record<string, unknown>).map(([name, value]) => [name, String(value)]));
  }
  const secrets: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (!match) continue;
    const raw = match[2]!;
    secrets[match[1]!] = /^(['"]).*\1$/s.test(raw) ? raw.slice(1, -1) : raw;
  }
  return secrets;
}

function url(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const localHost = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)$|\.localhost$|(^|\.)example\.(com|org|net)$|\.(test|invalid|example)$/;

/** A public https URL, or why it is not one. */
function publicUrlProblem(value: string | undefined): string | undefined {
  const parsed = url(value);
  if (!parsed) return `is not a URL (${JSON.stringify(value ?? "")})`;
  if (localHost.test(parsed.hostname)) return `points at ${parsed.hostname}, a development or example host`;
  if (parsed.protocol !== "https:") return "is not https";
  return undefined;
}

function jsonArray(value: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const record = (item: unknown): Record<string, unknown> => (typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {});

/** Shape problems of a secret's value, when the value is known. */
function secretValueProblems(name: string, value: string): string[] {
  if (value.trim() === "") return ["is empty"];
  if (name === "JWT_SIGNING_KEYS") {
    const keys = jsonArray(value);
    if (!keys || keys.length === 0) return ["must be a non-empty JSON array of ES256 JWKs"];
    const problems: string[] = [];
    if (!keys.some((key) => typeof record(key).d === "string")) problems.push("has no private key (`d`): nothing can sign");
    if (keys.some((key) => typeof record(key).kid !== "string")) problems.push("has a key without `kid`");
    return problems;
  }
  if (name === "PUSH_VAPID_PRIVATE_KEY") {
    let key: Record<string, unknown>;
    try {
      key = record(JSON.parse(value));
    } catch {
      return ["must be a P-256 private JWK (JSON with kty EC, crv P-256, d, x, y)"];
    }
    if (key.kty !== "EC" || key.crv !== "P-256" || typeof key.d !== "string" || typeof key.x !== "string" || typeof key.y !== "string") {
      return ["must be a P-256 private JWK (JSON with kty EC, crv P-256, d, x, y)"];
    }
    return [];
  }
  if (name === "PUSH_FCM_SERVICE_ACCOUNT") {
    let account: Record<string, unknown>;
    try {
      account = record(JSON.parse(value));
    } catch {
      return ["must be a Google service account key (JSON with project_id, client_email, private_key)"];
    }
    if (typeof account.project_id !== "string" || typeof account.client_email !== "string" || typeof account.private_key !== "string") {
      return ["must be a Google service account key (JSON with project_id, client_email, private_key)"];
    }
    return [];
  }
  if (name === "MEDIA_URL_SIGNING_KEYS") {
    const keys = jsonArray(value);
    if (!keys || keys.length === 0) return ["must be a non-empty JSON array of {kid, secret}"];
    if (keys.some((key) => typeof record(key).kid !== "string" || String(record(key).secret ?? "").length < 32)) {
      return ["needs a `kid` and a `secret` of at least 32 characters in every key"];
    }
  }
  return [];
}

/** Keys generated by `npm run dev` carry kids that start with `dev-`. */
function looksLikeDevelopmentKey(value: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return false;
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).some((key) => String(record(key).kid ?? "").startsWith("dev-"));
}

export function checkDeployment(modules: readonly ModuleManifest[], config: DeployConfiguration): Finding[] {
  const findings: Finding[] = [];
  const error = (subject: string, message: string) => findings.push({ level: "error", subject, message });
  const warning = (subject: string, message: string) => findings.push({ level: "warning", subject, message });
  const vars = config.vars;
  const has = (name: string) => config.secrets.has(name);
  const declared = declaredSecrets(modules);

  // Secrets
  for (const name of declared) {
    if (name in vars) error(name, "is a secret but sits in [vars] in plain text: remove it there and `wrangler secret put` it");
    const rule = SECRETS_IN_PRODUCTION[name];
    if (rule?.required && !has(name)) error(name, `is missing: ${rule.without}`);
  }
  if (vars.TURN_URLS?.trim() && !has("TURN_SECRET"))
    error("TURN_SECRET", "is missing while TURN_URLS is set: no TURN credentials are issued (STUN only), so calls behind NATs connect without audio");
  if (vars.CLOUDFLARE_TURN_KEY_ID?.trim() && !has("CLOUDFLARE_TURN_API_TOKEN")) {
    error("CLOUDFLARE_TURN_API_TOKEN", "is missing while CLOUDFLARE_TURN_KEY_ID is set: Cloudflare TURN is not used (coturn if configured, else STUN only)");
  }
  // The SFU needs both halves of its app; one alone silently leaves every group call a mesh.
  if (vars.CLOUDFLARE_REALTIME_APP_ID?.trim() && !has("CLOUDFLARE_REALTIME_APP_SECRET")) {
    warning("CLOUDFLARE_REALTIME_APP_SECRET", "is missing while CLOUDFLARE_REALTIME_APP_ID is set: the SFU is not used, group calls stay a mesh");
  }
  if (!vars.CLOUDFLARE_REALTIME_APP_ID?.trim() && has("CLOUDFLARE_REALTIME_APP_SECRET")) {
    warning("CLOUDFLARE_REALTIME_APP_ID", "is missing while the secret CLOUDFLARE_REALTIME_APP_SECRET is set: the SFU is not used, group calls stay a mesh");
  }
  if (vars.CALL_TOPOLOGY?.trim().toLowerCase() === "sfu" && !(vars.CLOUDFLARE_REALTIME_APP_ID?.trim() && has("CLOUDFLARE_REALTIME_APP_SECRET"))) {
    warning("CALL_TOPOLOGY", "is `sfu` without an SFU app (CLOUDFLARE_REALTIME_APP_ID and its secret): group calls stay a mesh");
  }
  if (!vars.TURN_URLS?.trim() && !vars.CLOUDFLARE_TURN_KEY_ID?.trim()) {
    warning("TURN_URLS", "no TURN server (neither TURN_URLS nor CLOUDFLARE_TURN_KEY_ID): calls between users behind NATs connect without audio");
  }
  if (vars.CLOUDFLARE_ACCOUNT_ID?.trim() && !has("CLOUDFLARE_STREAM_API_TOKEN")) {
    error("CLOUDFLARE_STREAM_API_TOKEN", "is missing while CLOUDFLARE_ACCOUNT_ID is set: uploads over 200 MB fail");
  }
  for (const name of ["VIDEO_SIGNING_KEY", "VIDEO_WEBHOOK_SECRET", "METRICS_TOKEN", "PUSH_VAPID_PRIVATE_KEY"]) {
    if (!has(name)) warning(name, `is not set: ${SECRETS_IN_PRODUCTION[name]!.without}`);
  }
  for (const name of config.secrets) {
    if (!declared.includes(name) && !name.startsWith(STUDIO_SECRET_PREFIX)) warning(name, "is a secret the platform never reads (a typo?)");
  }
  for (const [name, value] of Object.entries(config.secretValues ?? {})) {
    for (const problem of secretValueProblems(name, value)) error(name, problem);
    if (declared.includes(name) && looksLikeDevelopmentKey(value))
      error(name, "holds a key generated by `npm run dev` (kid `dev-...`): generate a production key");
  }

  // Development settings
  const environment = vars.ENVIRONMENT ?? "production";
  if (environment !== "production") {
    error(
      "ENVIRONMENT",
      `is ${JSON.stringify(environment)}: mail would go to the dev mailbox (readable at /dev/mailbox) and the development AI provider would be offered`,
    );
  }
  if ((vars.PUSH_ALLOW_INSECURE_ENDPOINTS ?? "").trim().toLowerCase() === "true") {
    warning("PUSH_ALLOW_INSECURE_ENDPOINTS", "is true: a development setting, ignored in production (Web Push endpoints must be public https)");
  }
  if (vars.VIDEO_UPLOADS === "worker")
    warning("VIDEO_UPLOADS", "is `worker`: uploads go through the Worker (up to VIDEO_MAX_BYTES) instead of Stream's direct upload URLs");
  if ((vars.JOBS_AI_MODEL ?? "dev-text") === "dev-text") {
    warning(
      "JOBS_AI_MODEL",
      "is `dev-text`, which exists in development only: vacancy drafts and profile analyses fail until a text model is registered and named here",
    );
  }
  if (vars.BOOTSTRAP_ADMIN_EMAIL?.trim())
    warning("BOOTSTRAP_ADMIN_EMAIL", "is set: whoever registers with it becomes admin; clear it once the first admin exists");
  if (vars.LOG_REQUESTS === "false") warning("LOG_REQUESTS", "is false: no request lines in Workers Logs");
  if (/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(config.d1DatabaseId ?? "") || !config.d1DatabaseId) {
    error("DB", "database_id is the placeholder: put the id `wrangler d1 create` printed into wrangler.toml");
  }
  if (config.environments.length > 0) {
    error(
      `env.${config.environments[0]}`,
      "wrangler environments inherit neither vars nor bindings, and `npm run deploy` publishes the top level: put production values in the top-level [vars]",
    );
  }

  // URLs
  const issuerProblem = publicUrlProblem(vars.JWT_ISSUER);
  if (issuerProblem) error("JWT_ISSUER", `${issuerProblem}: it must be the public https URL of the API`);
  else if (vars.JWT_ISSUER!.endsWith("/")) warning("JWT_ISSUER", "ends with a slash: services that verify tokens compare `iss` exactly");
  if (vars.APP_BASE_URL) {
    const appProblem = publicUrlProblem(vars.APP_BASE_URL);
    if (appProblem) error("APP_BASE_URL", `${appProblem}: e-mailed links would lead there`);
  }
  const origins = (vars.CORS_ALLOWED_ORIGINS ?? "*")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.includes("*")) {
    warning("CORS_ALLOWED_ORIGINS", "is `*`: any site may call the API from a browser (tokens are bearer tokens, so no cookie rides along)");
  } else {
    for (const origin of origins) {
      const parsed = url(origin);
      if (!parsed || parsed.origin !== origin)
        error("CORS_ALLOWED_ORIGINS", `${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path or slash)`);
    }
    const app = url(vars.APP_BASE_URL);
    const api = url(vars.JWT_ISSUER);
    if (app && api && app.origin !== api.origin && !origins.includes(app.origin)) {
      error("CORS_ALLOWED_ORIGINS", `does not include ${app.origin}, the origin of APP_BASE_URL: the web app could not call the API`);
    }
  }

  // E-mail
  const from = vars.EMAIL_FROM ?? "";
  const fromDomain = from.split("@")[1] ?? "";
  if (!from.includes("@") || localHost.test(fromDomain)) error("EMAIL_FROM", `is ${JSON.stringify(from)}: set an address on the domain that sends mail`);
  if (!config.emailBinding)
    error("EMAIL", "no [[send_email]] binding named EMAIL: every mail job (verification, password reset) fails and lands in the dead-letter queue");

  return findings;
}
