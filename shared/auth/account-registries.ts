import type { Env } from "../env";

/**
 * Each module contributes its part of a user's data export (GDPR art. 20), keyed by section
 * name, e.g. `chat` or `calls`. The identity module assembles them in GET /v1/me/export.
 */
export type DataExporter = (env: Env, userId: string) => Promise<unknown>;
export const dataExporters: Record<string, DataExporter> = {};

/** One module's part of deleting a user (DELETE /v1/me). */
export interface AccountDeletionStep {
  /** Run in the same D1 batch that deletes the user, so the account never half-exists. */
  statements: D1PreparedStatement[];
  /**
   * Work outside D1 (a Durable Object's storage, R2), run after the batch committed. It closes
   * over what the step read before the batch, since the user's rows are gone by then.
   */
  afterwards?: () => Promise<void>;
}

/** Each module deletes or anonymises its data of a user being deleted. */
export type AccountDeletionHook = (env: Env, userId: string, now: number) => Promise<AccountDeletionStep>;
export const accountDeletionHooks: AccountDeletionHook[] = [];
