import { moderationHintAccount } from "../../shared/moderation-hints/account";
import { moderationHintErrors } from "../../shared/moderation-hints/errors";
import { moderationHintVarSection } from "../../shared/moderation-hints/vars";
import { moderationHintDeadLetter, moderationHintJob } from "../jobs/moderation-hint";
import { defineModule, mount } from "../module-manifest";

/** Advisory AI hints on uploaded pictures and videos, for moderators (never deciding alone). */
export const moderationHintsModule = defineModule({
  name: "moderationHints",
  routes: {
    hints: mount("/v1/moderation", async () => (await import("../api/routes/moderation-hints")).moderationHintRoutes),
  },
  account: moderationHintAccount,
  jobs: { "moderation.hint": moderationHintJob },
  deadLetters: { "moderation.hint": moderationHintDeadLetter },
  vars: moderationHintVarSection,
  errors: moderationHintErrors,
});
