import { callsVarSection } from "./calls/vars";
import { chatVarSection } from "./chat/vars";
import { e2eeVarSection } from "./e2ee/vars";
import { emailVarSection } from "./email/vars";
import { identityVarSection } from "./identity/vars";
import { jobsBoardVarSection } from "./jobs-board/vars";
import { mediaVarSection } from "./media/vars";
import { moderationHintVarSection } from "./moderation-hints/vars";
import { oauthVarSection } from "./oauth/vars";
import { observabilityVarSection } from "./observability/vars";
import { platformVarSection } from "./platform/vars";
import { pushVarSection } from "./push/vars";
import { realtimeVarSection } from "./realtime/vars";
import { studioVarSection } from "./studio/vars";
import { type Config, composeConfig, type VarName, type VarSection } from "./var-declarations";
import { videoVarSection } from "./video/vars";

export type { Config } from "./var-declarations";

/**
 * Every module's vars, as `shared/<module>/vars.ts` declares them. The list lives here, below the
 * Worker, because module logic, Durable Objects and their tests read the config at run time and
 * `shared/` cannot import `workers/`; `workers/modules.ts` checks (at compile time, and
 * test/platform/modules.test.ts at run time) that its manifests name exactly these sections.
 */
export const VAR_SECTIONS: readonly VarSection[] = [
  platformVarSection,
  identityVarSection,
  emailVarSection,
  realtimeVarSection,
  chatVarSection,
  callsVarSection,
  mediaVarSection,
  observabilityVarSection,
  studioVarSection,
  videoVarSection,
  jobsBoardVarSection,
  pushVarSection,
  oauthVarSection,
  e2eeVarSection,
  moderationHintVarSection,
];

// Composed on first use, not at import: every isolate imports this module, and an isolate builds
// its config once (bench:startup).
let configSchema: ReturnType<typeof composeConfig> | undefined;

/** The value every var takes when it is missing, by camelCased name (`ACCESS_TOKEN_TTL_SECONDS` is `accessTokenTtlSeconds`). */
export function configDefaults(): Readonly<Record<string, unknown>> {
  return Object.fromEntries(
    VAR_SECTIONS.flatMap((section) =>
      Object.entries(section.vars).map(([name, declaration]) => [
        name.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()),
        declaration.schema.parse(undefined),
      ]),
    ),
  );
}

/** The vars of an `Env`; tests may pass just the few a function reads. */
export type EnvVars = Partial<Record<VarName, string>>;

const parsed = new WeakMap<object, Config>();

/**
 * The typed configuration of `env`, parsed on first use and cached for as long as that env object
 * lives. Module logic gets it from `deps.config`; only the builders of `deps` call this.
 */
export function configOf(env: EnvVars): Config {
  let config = parsed.get(env);
  if (!config) {
    configSchema ??= composeConfig(VAR_SECTIONS);
    const result = configSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
      throw new Error(`Invalid configuration (wrangler.toml [vars] or .dev.vars): ${problems}`);
    }
    config = result.data;
    parsed.set(env, config);
  }
  return config;
}
