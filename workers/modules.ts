import type { JobKinds } from "../shared/env";
import type { ErrorCatalogue } from "../shared/http/errors";
import type { AccountModule } from "../shared/identity/account/account-module";
import type { VarCatalogue } from "../shared/var-declarations";
import type { DeadLetterHandlers, JobHandlers } from "./jobs/queue";
import type { CronTask, CronTasks } from "./jobs/scheduled";
import type { ModuleManifest } from "./module-manifest";
import { callsModule } from "./modules/calls";
import { chatModule } from "./modules/chat";
import { e2eeModule } from "./modules/e2ee";
import { emailModule } from "./modules/email";
import { identityModule } from "./modules/identity";
import { jobsBoardModule } from "./modules/jobs-board";
import { mediaModule } from "./modules/media";
import { moderationHintsModule } from "./modules/moderation-hints";
import { oauthModule } from "./modules/oauth";
import { observabilityModule } from "./modules/observability";
import { platformModule } from "./modules/platform";
import { pushModule } from "./modules/push";
import { realtimeModule } from "./modules/realtime";
import { studioModule } from "./modules/studio";
import { videoModule } from "./modules/video";

/**
 * The one list of the platform's modules (docs/architecture.md, "Adding or moving a module").
 * Everything below is derived from it; nothing takes part by being imported for its side
 * effects. Account hooks run in this order.
 */
export const modules = [
  platformModule,
  identityModule,
  emailModule,
  realtimeModule,
  chatModule,
  callsModule,
  mediaModule,
  observabilityModule,
  studioModule,
  videoModule,
  jobsBoardModule,
  pushModule,
  oauthModule,
  e2eeModule,
  moderationHintsModule,
] as const satisfies readonly ModuleManifest[];

type Module = (typeof modules)[number];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type NamesWith<K extends keyof ModuleManifest> = Extract<Module, Record<K, unknown>>["name"];
type HandledKinds = Module extends infer M ? (M extends { jobs: infer J } ? keyof J : never) : never;

// The manifests cover exactly what the modules declare in shared/ (by declaration merging): a
// module whose catalogue, vars or job kinds no manifest lists fails typecheck here.
const covered: [Same<NamesWith<"errors">, keyof ErrorCatalogue>, Same<NamesWith<"vars">, keyof VarCatalogue>, Same<HandledKinds, keyof JobKinds>] = [
  true,
  true,
  true,
];
void covered;

/** What each module does when an account is registered, exported or deleted, in module order. */
export const accountModules: readonly AccountModule[] = modules.flatMap((module): AccountModule[] => ("account" in module ? [module.account] : []));

/** The JOBS queue consumer's handler for every job kind. */
export const jobHandlers = Object.assign({}, ...modules.map((module) => ("jobs" in module ? module.jobs : {}))) as JobHandlers;

/** What the dead-letter consumer does, besides recording it, when a job of these kinds gave up. */
export const deadLetterHandlers: DeadLetterHandlers = Object.assign({}, ...modules.map((module) => ("deadLetters" in module ? module.deadLetters : {})));

/** Cron tasks by schedule; the schedules are the `crons` of wrangler.toml's [triggers]. */
export const cronTasks: CronTasks = modules.reduce<Record<string, CronTask[]>>((table, module) => {
  if ("cron" in module) for (const [schedule, tasks] of Object.entries(module.cron)) (table[schedule] ??= []).push(...tasks);
  return table;
}, {});
