import type { Env } from "../env";

/**
 * Each module contributes its part of a user's data export (GDPR art. 20), keyed by section
 * name, e.g. `chat` or `calls`. The identity module assembles them in GET /v1/me/export.
 */
export type DataExporter = (env: Env, userId: string) => Promise<unknown>;
export const dataExporters: Record<string, DataExporter> = {};

/**
 * Each module deletes or anonymises its data of a user being deleted (DELETE /v1/me). The
 * statements run in the same D1 batch that deletes the user; work outside D1 (a Durable
 * Object's storage, R2) goes in `afterAccountDeletion`.
 */
export type AccountDeletionHook = (env: Env, userId: string, now: number) => Promise<D1PreparedStatement[]> | D1PreparedStatement[];
export const accountDeletionHooks: AccountDeletionHook[] = [];
export type AfterAccountDeletion = (env: Env, userId: string) => Promise<void>;
export const afterAccountDeletion: AfterAccountDeletion[] = [];
