import type { Env } from "../../shared/env";
import { deadLetterGeneration, runGenerationJob } from "../../shared/studio/generation/pipeline";
import { sweepGenerations } from "../../shared/studio/generation/sweep";
import type { JobHandler } from "./queue";

/** One step of a studio generation (start, poll, store the results). */
export const studioGenerationJob: JobHandler<"studio.generation"> = (message, env) => runGenerationJob(message, env);

/** A studio generation message that exhausted its retries fails its asset. */
export const studioGenerationDeadLetter: JobHandler<"studio.generation"> = (message, env) => deadLetterGeneration(message, env);

/** Fails generations past their timeout and sends again those whose message was lost. */
export async function studioGenerationSweepTask(env: Env): Promise<void> {
  await sweepGenerations(env);
}
