import type { Env } from "../../shared/env";
import { identityCleanupTask } from "./identity-cleanup";

export type CronTask = (env: Env, scheduledTime: number) => Promise<void>;

/** Tasks by cron expression (as in wrangler.toml); each module adds its own. */
export const cronTasks: Record<string, CronTask[]> = {
  "17 3 * * *": [identityCleanupTask],
  "*/5 * * * *": [],
};

export async function runScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const tasks = cronTasks[controller.cron] ?? [];
  const results = await Promise.allSettled(tasks.map((task) => task(env, controller.scheduledTime)));
  for (const result of results) {
    if (result.status === "rejected") {
      console.error(JSON.stringify({ level: "error", msg: "cron task failed", cron: controller.cron, error: String(result.reason) }));
    }
  }
  if (results.some((r) => r.status === "rejected")) throw new Error(`cron ${controller.cron}: a task failed`);
}
