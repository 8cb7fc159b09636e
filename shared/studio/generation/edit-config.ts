import { auditEventQuery } from "../../identity/audit/events";
import type { ClientInfo } from "../../identity/sessions/client-info";
import { z } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import type { Deps } from "../../platform/deps-types";
import type { ParamsSchema } from "../providers/definitions";
import { type EditConfigRecord, findCurrentEditConfig, findEditConfigVersion, insertNextEditConfig, listEditConfigs } from "./records";

/**
 * Smart Edit: a generation from a parent picture ("make the sky stormy") is framed by a system
 * prompt the operators write, with default params under the user's own. Every save is a new,
 * immutable version; an asset records the version that shaped it, so a retried or polled task
 * sends the same words, and the versions with their authors and notes are the audit trail.
 */

export const PROMPT_PLACEHOLDER = "{{prompt}}";

export interface EditConfigView {
  version: number;
  systemPrompt: string;
  params: Record<string, unknown>;
  note: string;
  createdBy: string;
  createdAt: string;
}

export interface EditConfigChange {
  systemPrompt: string;
  params: Record<string, unknown>;
  note: string;
  /** The version the admin edited (0 when none was saved yet): a save over a newer one is `409 edit_config_conflict`. */
  expectedVersion: number;
}

function view(row: EditConfigRecord): EditConfigView {
  return {
    version: row.version,
    systemPrompt: row.systemPrompt,
    params: JSON.parse(row.params) as Record<string, unknown>,
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The user's words inside the system prompt, where `{{prompt}}` stands (every occurrence). */
export function framedPrompt(systemPrompt: string, userPrompt: string): string {
  return systemPrompt.split(PROMPT_PLACEHOLDER).join(userPrompt);
}

export async function currentEditConfig(deps: Deps): Promise<EditConfigView | null> {
  const row = await findCurrentEditConfig(deps.db);
  return row ? view(row) : null;
}

const HistoryCursor = z.object({ before: z.number().int().min(1) });

/** Every version, newest first. */
export async function editConfigHistory(deps: Deps, cursor: string | undefined, limit: number): Promise<Page<EditConfigView>> {
  const rows = await listEditConfigs(deps.db, decodeCursor(cursor, HistoryCursor)?.before, limit + 1);
  return keysetPage(rows, limit, view, (last) => ({ before: last.version }));
}

/** Saves the next version (audited as `studio.edit_config_changed`). */
export async function saveEditConfig(deps: Deps, admin: { userId: string; client: ClientInfo }, change: EditConfigChange): Promise<EditConfigView> {
  const saved = await insertNextEditConfig(deps.db, change.expectedVersion, {
    systemPrompt: change.systemPrompt,
    params: JSON.stringify(change.params),
    note: change.note,
    createdBy: admin.userId,
    createdAt: deps.clock.date(),
  });
  if (!saved) {
    const current = await findCurrentEditConfig(deps.db);
    throw new ApiError(409, "edit_config_conflict", `The configuration is at version ${current?.version ?? 0} now; reload it and apply your change again`, {
      currentVersion: current?.version ?? 0,
    });
  }
  await auditEventQuery(deps.db, {
    userId: admin.userId,
    type: "studio.edit_config_changed",
    client: admin.client,
    detail: { version: saved.version, note: saved.note },
  }).run();
  return view(saved);
}

/**
 * The configuration an edit of a parent picture is made under: its version, and the params with
 * the configured defaults under the user's own (only those the model declares: a default for
 * another model's param is not this model's business).
 */
export async function editRequest(
  deps: Deps,
  modelParams: ParamsSchema,
  params: Record<string, unknown> | undefined,
): Promise<{ version: number | null; params: Record<string, unknown> | undefined }> {
  const current = await findCurrentEditConfig(deps.db);
  if (!current) return { version: null, params };
  const declared = new Set(Object.keys(modelParams.properties ?? {}));
  const defaults = Object.entries(JSON.parse(current.params) as Record<string, unknown>).filter(([name]) => declared.has(name));
  return { version: current.version, params: { ...Object.fromEntries(defaults), ...(params ?? {}) } };
}

/** The prompt a provider gets for an asset: the user's words, framed by the version that shaped an edit. */
export async function providerPrompt(deps: Deps, asset: { prompt: string; editConfigVersion: number | null }): Promise<string> {
  if (asset.editConfigVersion === null) return asset.prompt;
  const config = await findEditConfigVersion(deps.db, asset.editConfigVersion);
  return config ? framedPrompt(config.systemPrompt, asset.prompt) : asset.prompt;
}
