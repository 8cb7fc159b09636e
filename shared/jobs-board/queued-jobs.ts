/** Runs one AI task of the jobs board: a vacancy draft or a profile analysis (shared/jobs/ai/ai-tasks.ts). */
export interface JobsAiJob {
  kind: "jobs.ai";
  taskId: string;
}

declare module "../env" {
  interface JobKinds {
    "jobs.ai": JobsAiJob;
  }
}
