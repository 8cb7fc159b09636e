import type { Deps } from "../../platform/deps-types";

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

/**
 * What a module does when an account is created, exported or deleted. The Worker lists the
 * modules once (`workers/modules.ts`) and hands that list to `register`, `exportAccount` and
 * `deleteAccount`; nothing registers itself by being imported.
 */
export interface AccountModule {
  /** The module's section in the data export, e.g. `chat`. */
  name: string;
  /** Statements run in the same batch that creates the user (chat: join the general chat), so a user never exists without them. */
  onRegister?: (deps: Deps, userId: string, now: number) => Promise<D1PreparedStatement[]> | D1PreparedStatement[];
  /** The module's part of the user's data export (GET /v1/me/export, GDPR art. 20). */
  exportData?: (deps: Deps, userId: string) => Promise<unknown>;
  /** Deletes or anonymises the module's data of a user being deleted. */
  onDelete?: (deps: Deps, userId: string, now: number) => Promise<AccountDeletionStep>;
  /** The user's name or picture changed (chat: tell the people who see them). Runs after the change committed; a failure is logged, not the change's. */
  onProfileChanged?: (deps: Deps, person: ProfileCard) => Promise<void>;
}

/** What others see of a user: their name and picture. */
export interface ProfileCard {
  id: string;
  displayName: string;
  avatarUrl: string | null;
}

/** Tells every module that the user's name or picture changed (after the change committed). */
export async function announceProfileChange(deps: Deps, modules: readonly AccountModule[], person: ProfileCard): Promise<void> {
  const results = await Promise.allSettled(modules.map((module) => module.onProfileChanged?.(deps, person)));
  for (const result of results)
    if (result.status === "rejected") deps.log("warn", "profile change not announced", { userId: person.id, error: String(result.reason) });
}
