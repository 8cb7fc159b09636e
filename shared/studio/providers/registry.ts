import { configOf } from "../../config";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import type { Deps } from "../../platform/deps-types";
import { ApiError, badRequest, conflict, notFound } from "../../http/errors";
import { newId } from "../../ids";
import {
  type CancelRequest,
  checkModelDefinition,
  checkProviderAuth,
  type ModelDefinition,
  type ModelKind,
  type ParamsSchema,
  type PollRequest,
  type ProviderAuth,
  type ProviderDefinition,
  type ResponseMapping,
} from "./definitions";
import { DEV_MODELS, DEV_PROVIDER, DevelopmentProvider } from "./dev-provider";
import { HttpProvider } from "./http-provider";
import type { ResolvedModel } from "./provider-adapter";
import {
  findModelOfProvider,
  findModelWithProvider,
  findProvider,
  insertModel,
  insertProvider,
  listModelRows,
  listProviderModelRows,
  listProviderRows,
  type ModelRow,
  type ProviderRow,
  updateModelRow,
  updateProviderRow,
} from "./records";
import type { JsonValue } from "./templates";

/** A model as users see it: what it makes and which params it takes (never anything of its provider's credentials). */
export interface ModelView {
  id: string;
  name: string;
  providerId: string;
  kind: ModelKind;
  paramsSchema: ParamsSchema;
  /** True for the built-in development provider's models. */
  development: boolean;
}

/** A model as admins see it: the whole definition. */
export interface ModelDefinitionView extends ModelDefinition {
  /** Offered to users (a deactivated model is kept, so its assets still name it, but nothing new starts with it). */
  active: boolean;
  createdAt: string | null;
}

/** A provider as admins see it: the secret's name and whether it is set, never its value. */
export interface ProviderView {
  id: string;
  name: string;
  baseUrl: string;
  auth: { headerName: string; template: string; secretRef: string; secretConfigured: boolean } | null;
  headers: Record<string, string>;
  builtIn: boolean;
  /** Its models are offered (while each is active itself). */
  active: boolean;
  models: ModelDefinitionView[];
  createdAt: string | null;
}

export interface ProviderInput {
  id?: string;
  name: string;
  baseUrl: string;
  auth?: ProviderAuth | null;
  headers?: Record<string, string>;
}

export interface ProviderChanges {
  name?: string;
  baseUrl?: string;
  auth?: ProviderAuth | null;
  headers?: Record<string, string>;
  active?: boolean;
}

export interface ModelInput {
  id?: string;
  name: string;
  kind: ModelKind;
  method: "POST" | "PUT" | "GET";
  endpoint: string;
  requestTemplate: JsonValue;
  paramsSchema: ParamsSchema;
  response: ResponseMapping;
  poll?: PollRequest | null;
  cancel?: CancelRequest | null;
}

/** Ids the built-in provider and its models use: no stored definition may take them. */
const RESERVED_ID = /^dev($|-)/;

/** A provider secret by the name its definition refers to (the adapter side: only `deps.ai` reads bindings). */
export function secretOf(env: Env, name: string | undefined): string | null {
  if (!name) return null;
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 ? value : null;
}

function providerDefinition(row: ProviderRow): ProviderDefinition {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    auth:
      row.authHeaderName && row.authHeaderTemplate && row.secretRef
        ? { headerName: row.authHeaderName, template: row.authHeaderTemplate, secretRef: row.secretRef }
        : null,
    headers: JSON.parse(row.headers) as Record<string, string>,
  };
}

function modelDefinition(row: ModelRow): ModelDefinition {
  return {
    id: row.id,
    providerId: row.providerId,
    name: row.name,
    kind: row.kind,
    method: row.method,
    endpoint: row.endpoint,
    requestTemplate: JSON.parse(row.requestTemplate) as JsonValue,
    paramsSchema: JSON.parse(row.paramsSchema) as ParamsSchema,
    response: JSON.parse(row.responseMapping) as ResponseMapping,
    poll: row.poll ? (JSON.parse(row.poll) as PollRequest) : null,
    cancel: row.cancel ? (JSON.parse(row.cancel) as CancelRequest) : null,
  };
}

function providerView(
  deps: Deps,
  provider: ProviderDefinition,
  models: ModelDefinitionView[],
  builtIn: boolean,
  createdAt: Date | null,
  active = true,
): ProviderView {
  return {
    id: provider.id,
    name: provider.name,
    baseUrl: provider.baseUrl,
    auth: provider.auth ? { ...provider.auth, secretConfigured: deps.ai.secretConfigured(provider.auth.secretRef) } : null,
    headers: provider.headers,
    builtIn,
    active,
    models,
    createdAt: createdAt?.toISOString() ?? null,
  };
}

const modelView = (model: ModelDefinition, development: boolean): ModelView => ({
  id: model.id,
  name: model.name,
  providerId: model.providerId,
  kind: model.kind,
  paramsSchema: model.paramsSchema,
  development,
});

function checkBaseUrl(deps: Deps, baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw badRequest("invalid_provider", "baseUrl is not a URL", [{ path: "baseUrl", message: "An absolute https URL" }]);
  }
  const plainHttpAllowed = deps.config.studio.devProvider;
  if (url.protocol !== "https:" && !(plainHttpAllowed && url.protocol === "http:")) {
    throw badRequest("invalid_provider", "baseUrl must be https", [{ path: "baseUrl", message: "An absolute https URL" }]);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw badRequest("invalid_provider", "baseUrl has no query, fragment or credentials", [
      { path: "baseUrl", message: "Credentials go in a Worker secret named by auth.secretRef" },
    ]);
  }
}

export async function createProvider(deps: Deps, input: ProviderInput): Promise<ProviderView> {
  const id = input.id ?? newId();
  if (RESERVED_ID.test(id)) throw badRequest("reserved_id", `The id ${id} belongs to the built-in development provider`);
  checkBaseUrl(deps, input.baseUrl);
  checkProviderAuth(input.auth ?? null);
  const now = deps.clock.date();
  const inserted = await insertProvider(deps.db, {
    id,
    name: input.name,
    baseUrl: input.baseUrl.replace(/\/+$/, ""),
    authHeaderName: input.auth?.headerName ?? null,
    authHeaderTemplate: input.auth?.template ?? null,
    secretRef: input.auth?.secretRef ?? null,
    headers: JSON.stringify(input.headers ?? {}),
    createdAt: now,
    updatedAt: now,
  });
  if (!inserted) throw conflict("provider_exists", `A provider with id ${id} exists`);
  const row = await findProvider(deps.db, id);
  return providerView(deps, providerDefinition(row!), [], false, row!.createdAt);
}

export async function addModel(deps: Deps, providerId: string, input: ModelInput): Promise<ModelDefinitionView> {
  if (providerId === DEV_PROVIDER.id) throw new ApiError(403, "built_in_provider", "The development provider's models are built in");
  const provider = await findProvider(deps.db, providerId);
  if (!provider) throw notFound("No such provider");
  const id = input.id ?? newId();
  if (RESERVED_ID.test(id)) throw badRequest("reserved_id", `The id ${id} belongs to the built-in development provider`);
  const definition = { ...input, poll: input.poll ?? null, cancel: input.cancel ?? null };
  checkModelDefinition(definition);
  const now = deps.clock.date();
  const inserted = await insertModel(deps.db, {
    id,
    providerId,
    name: input.name,
    kind: input.kind,
    method: input.method,
    endpoint: input.endpoint,
    requestTemplate: JSON.stringify(input.requestTemplate),
    paramsSchema: JSON.stringify(input.paramsSchema),
    responseMapping: JSON.stringify(input.response),
    poll: definition.poll ? JSON.stringify(definition.poll) : null,
    cancel: definition.cancel ? JSON.stringify(definition.cancel) : null,
    createdAt: now,
  });
  if (!inserted) throw conflict("model_exists", `A model with id ${id} exists`);
  return { ...definition, id, providerId, active: true, createdAt: now.toISOString() };
}

const storedModelView = (row: ModelRow): ModelDefinitionView => ({ ...modelDefinition(row), active: row.active, createdAt: row.createdAt.toISOString() });

function refuseBuiltIn(providerId: string): void {
  if (providerId === DEV_PROVIDER.id) throw new ApiError(403, "built_in_provider", "The development provider is built in");
}

/**
 * Changes a provider: its name, base URL, credential header, fixed headers, or whether its models
 * are offered. Deactivating stops new work with its models; generations already running finish.
 */
export async function updateProvider(deps: Deps, id: string, changes: ProviderChanges): Promise<ProviderView> {
  refuseBuiltIn(id);
  if (!(await findProvider(deps.db, id))) throw notFound("No such provider");
  if (changes.baseUrl !== undefined) checkBaseUrl(deps, changes.baseUrl);
  if (changes.auth !== undefined) checkProviderAuth(changes.auth);
  const updated = await updateProviderRow(deps.db, id, {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.baseUrl !== undefined ? { baseUrl: changes.baseUrl.replace(/\/+$/, "") } : {}),
    ...(changes.auth !== undefined
      ? { authHeaderName: changes.auth?.headerName ?? null, authHeaderTemplate: changes.auth?.template ?? null, secretRef: changes.auth?.secretRef ?? null }
      : {}),
    ...(changes.headers !== undefined ? { headers: JSON.stringify(changes.headers) } : {}),
    ...(changes.active !== undefined ? { active: changes.active } : {}),
    updatedAt: deps.clock.date(),
  });
  if (!updated) throw notFound("No such provider");
  const [row, models] = await Promise.all([findProvider(deps.db, id), listProviderModelRows(deps.db, id)]);
  return providerView(deps, providerDefinition(row!), models.map(storedModelView), false, row!.createdAt, row!.active);
}

/**
 * Changes a model's definition (any field of the one it was added with) or whether it is offered.
 * The whole definition is checked again as if it were new. Running generations keep the
 * definition they started with only as far as their stored request goes: polls use the new one.
 */
export async function updateModel(
  deps: Deps,
  providerId: string,
  modelId: string,
  changes: Partial<Omit<ModelInput, "id">> & { active?: boolean },
): Promise<ModelDefinitionView> {
  refuseBuiltIn(providerId);
  const row = await findModelOfProvider(deps.db, providerId, modelId);
  if (!row) throw notFound("No such model");
  const { active, ...definitionChanges } = changes;
  // Fields not sent keep their value (an absent field arrives as undefined, never as a change).
  const sent = Object.fromEntries(Object.entries(definitionChanges).filter(([, value]) => value !== undefined)) as Partial<ModelDefinition>;
  const next: ModelDefinition = { ...modelDefinition(row), ...sent };
  checkModelDefinition(next);
  const updated = await updateModelRow(deps.db, providerId, modelId, {
    name: next.name,
    kind: next.kind,
    method: next.method,
    endpoint: next.endpoint,
    requestTemplate: JSON.stringify(next.requestTemplate),
    paramsSchema: JSON.stringify(next.paramsSchema),
    responseMapping: JSON.stringify(next.response),
    poll: next.poll ? JSON.stringify(next.poll) : null,
    cancel: next.cancel ? JSON.stringify(next.cancel) : null,
    ...(active !== undefined ? { active } : {}),
  });
  if (!updated) throw notFound("No such model");
  return storedModelView((await findModelOfProvider(deps.db, providerId, modelId))!);
}

/** Every provider with its models; the development provider first where it is offered. */
export async function listProviders(deps: Deps): Promise<ProviderView[]> {
  const [providers, models] = await Promise.all([listProviderRows(deps.db), listModelRows(deps.db)]);
  const byProvider = new Map<string, ModelDefinitionView[]>();
  for (const row of models) {
    const list = byProvider.get(row.providerId) ?? [];
    list.push(storedModelView(row));
    byProvider.set(row.providerId, list);
  }
  const stored = providers.map((row) => providerView(deps, providerDefinition(row), byProvider.get(row.id) ?? [], false, row.createdAt, row.active));
  if (!deps.config.studio.devProvider) return stored;
  const dev = providerView(
    deps,
    DEV_PROVIDER,
    DEV_MODELS.map((m) => ({ ...m, active: true, createdAt: null })),
    true,
    null,
  );
  return [dev, ...stored];
}

/** The models users may pick; the development ones only in development and tests. */
export async function listModels(deps: Deps): Promise<ModelView[]> {
  const offered = await listModelRows(deps.db, { offeredOnly: true });
  const stored = offered.map((row) => modelView(modelDefinition(row), false));
  return deps.config.studio.devProvider ? [...DEV_MODELS.map((m) => modelView(m, true)), ...stored] : stored;
}

/** The model and its provider's adapter, or undefined when no such model is offered here. */
export async function resolveModel(env: Env, db: Database, modelId: string): Promise<ResolvedModel | undefined> {
  const config = configOf(env);
  const dev = DEV_MODELS.find((m) => m.id === modelId);
  if (dev) return config.studio.devProvider ? { model: dev, adapter: new DevelopmentProvider(db), offered: true } : undefined;
  const found = await findModelWithProvider(db, modelId);
  if (!found) return undefined;
  const provider = providerDefinition(found.provider);
  return {
    model: modelDefinition(found.model),
    adapter: new HttpProvider(provider, { secret: secretOf(env, provider.auth?.secretRef), timeoutMs: config.studio.providerTimeoutMs }),
    offered: found.model.active && found.provider.active,
  };
}
