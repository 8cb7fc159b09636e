import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { forgetHintQueries } from "./records";

/** Hints are about the user's uploads: they go with the account. They are moderators' notes, so the export leaves them out. */
export const moderationHintAccount: AccountModule = {
  name: "moderationHints",
  onDelete: async (deps, userId) => ({ statements: toD1Statements(deps.db, forgetHintQueries(deps.db, userId)) }),
};
