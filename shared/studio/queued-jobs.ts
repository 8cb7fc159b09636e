import type { GenerationJob } from "./generation/pipeline";

declare module "../env" {
  interface JobKinds {
    /** One step of a studio generation (shared/studio/generation/pipeline.ts). */
    "studio.generation": GenerationJob;
  }
}
