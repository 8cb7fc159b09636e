import type { HintSubject } from "./records";

/** Asks the hint model about one uploaded picture or video (shared/moderation-hints/hints.ts). */
export interface ModerationHintJob {
  kind: "moderation.hint";
  subjectKind: HintSubject;
  subjectId: string;
}

declare module "../env" {
  interface JobKinds {
    "moderation.hint": ModerationHintJob;
  }
}
