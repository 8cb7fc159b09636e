import type { Env } from "../env";

/**
 * Statements other modules run in the same batch that creates a user (e.g. chat: join the
 * general chat), so a user never exists without them.
 */
export type RegistrationHook = (env: Env, userId: string, now: number) => Promise<D1PreparedStatement[]> | D1PreparedStatement[];

export const registrationHooks: RegistrationHook[] = [];
