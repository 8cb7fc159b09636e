import type { Deps } from "../../shared/platform/deps-types";
import { deadLetterGeneration, runGenerationJob } from "../../shared/studio/generation/pipeline";
import { sweepGenerations } from "../../shared/studio/generation/sweep";
import type { JobHandler } from "./queue";

/** One step of a studio generation (start, poll, store the results). */
export const studioGenerationJob: JobHandler<"studio.generation"> = (message, deps) => runGenerationJob(message, deps);

/** A studio generation message that exhausted its retries fails its asset. */
export const studioGenerationDeadLetter: JobHandler<"studio.generation"> = (message, deps) => deadLetterGeneration(message, deps);

/** Fails generations past their timeout and sends again those whose message was lost. */
export async function studioGenerationSweepTask(deps: Deps): Promise<void> {
  await sweepGenerations(deps);
}
