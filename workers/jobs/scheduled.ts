import type { Env } from "../../shared/env";
import { depsFor } from "../composition";
import type { Deps } from "../../shared/platform/deps-types";
import { logEvent } from "../../shared/observability/log";

export type CronTask = (deps: Deps, scheduledTime: number) => Promise<void>;

/** Tasks by cron expression, as in wrangler.toml's triggers (listed in workers/modules.ts). */
export type CronTasks = Record<string, readonly CronTask[]>;

/** Runs every task of the schedule that fired, with one `deps` for the run; one failing task does not stop the others. */
export async function runScheduled(controller: ScheduledController, env: Env, cronTasks: CronTasks): Promise<void> {
  const deps = depsFor(env);
  const tasks = cronTasks[controller.cron] ?? [];
  const results = await Promise.allSettled(tasks.map((task) => task(deps, controller.scheduledTime)));
  for (const result of results) {
    if (result.status === "rejected") {
      logEvent("error", "cron task failed", { cron: controller.cron, error: String(result.reason) });
    }
  }
  if (results.some((r) => r.status === "rejected")) throw new Error(`cron ${controller.cron}: a task failed`);
}
