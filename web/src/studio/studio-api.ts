// The studio's calls, through the typed client: each returns the body or throws ProblemError.
import { ok } from "../../../client";
import type { AssetView, BoxView, ProjectView } from "../../../shared/studio/library/views";
import { platform } from "../platform";

// The answers' shapes are the server's own views (types only: nothing of shared/ loads at run time).
export type Project = ProjectView;
export type Box = BoxView;
export type Asset = AssetView;
export type AssetStatus = AssetView["status"];

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
  title?: string;
}

export interface Model {
  id: string;
  name: string;
  providerId: string;
  kind: "image" | "video" | "text";
  paramsSchema: JsonSchema;
  development: boolean;
}

export interface Comment {
  id: string;
  boxId: string;
  authorName: string;
  text: string;
  byOwner: boolean;
  createdAt: string;
}

export interface ShareLink {
  id: string;
  expiresAt: string | null;
  expired: boolean;
  createdAt: string;
}

export interface AssetFilters {
  type?: "image" | "video";
  status?: AssetStatus;
  favorite?: "true";
  q?: string;
}

const studio = () => platform.api.v1.studio;
const clean = (filters: AssetFilters) => Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== "")) as AssetFilters;

export const studioApi = {
  projects: async () => (await ok(studio().projects.$get({ query: { limit: "100" } }))).items as Project[],
  project: async (id: string) => (await ok(studio().projects[":id"].$get({ param: { id } }))) as Project,
  createProject: async (name: string) => (await ok(studio().projects.$post({ json: { name } }))) as Project,
  renameProject: async (id: string, name: string) => (await ok(studio().projects[":id"].$patch({ param: { id }, json: { name } }))) as Project,
  boxes: async (projectId: string) => (await ok(studio().projects[":id"].boxes.$get({ param: { id: projectId } }))).items as Box[],
  createBox: async (projectId: string, name: string) => (await ok(studio().projects[":id"].boxes.$post({ param: { id: projectId }, json: { name } }))) as Box,
  reorderBoxes: async (projectId: string, boxIds: string[]) =>
    (await ok(studio().projects[":id"].boxes.order.$put({ param: { id: projectId }, json: { boxIds } }))).items as Box[],
  updateBox: async (id: string, changes: { name?: string; headlinerAssetId?: string | null }) =>
    (await ok(studio().boxes[":id"].$patch({ param: { id }, json: changes }))) as Box,
  projectAssets: async (projectId: string, filters: AssetFilters) =>
    (await ok(studio().projects[":id"].assets.$get({ param: { id: projectId }, query: { ...clean(filters), limit: "100" } }))).items as Asset[],
  boxAssets: async (boxId: string, filters: AssetFilters) =>
    (await ok(studio().boxes[":id"].assets.$get({ param: { id: boxId }, query: { ...clean(filters), limit: "100" } }))).items as Asset[],
  addUploaded: async (boxId: string, fileId: string) => (await ok(studio().boxes[":id"].assets.$post({ param: { id: boxId }, json: { fileId } }))) as Asset,
  deleteAsset: async (id: string) => {
    const response = await studio().assets[":id"].$delete({ param: { id } });
    if (!response.ok) await ok(response);
  },
  deleteBox: async (id: string) => {
    const response = await studio().boxes[":id"].$delete({ param: { id } });
    if (!response.ok) await ok(response);
  },
  deleteProject: async (id: string) => {
    const response = await studio().projects[":id"].$delete({ param: { id } });
    if (!response.ok) await ok(response);
  },
  setFavorite: async (id: string, favorite: boolean) => (await ok(studio().assets[":id"].$patch({ param: { id }, json: { favorite } }))) as Asset,
  models: async () => (await ok(studio().models.$get())).items as Model[],
  generate: async (boxId: string, request: { modelId: string; prompt: string; params: Record<string, unknown>; count: number; parentAssetId?: string }) =>
    (await ok(studio().boxes[":id"].generate.$post({ param: { id: boxId }, json: request }))).items as Asset[],
  shares: async (projectId: string) => (await ok(studio().projects[":id"].shares.$get({ param: { id: projectId } }))).items as ShareLink[],
  createShare: async (projectId: string, expiresInSeconds?: number) =>
    await ok(studio().projects[":id"].shares.$post({ param: { id: projectId }, json: expiresInSeconds ? { expiresInSeconds } : {} })),
  revokeShare: async (idOrToken: string) => {
    const response = await studio().shares[":token"].$delete({ param: { token: idOrToken } });
    if (!response.ok) await ok(response);
  },
  comments: async (boxId: string) => (await ok(studio().boxes[":id"].comments.$get({ param: { id: boxId }, query: { limit: "100" } }))).items as Comment[],
  comment: async (boxId: string, text: string) => (await ok(studio().boxes[":id"].comments.$post({ param: { id: boxId }, json: { text } }))) as Comment,
  markRead: async (boxId: string) => {
    const response = await studio().boxes[":id"].comments.read.$post({ param: { id: boxId } });
    if (!response.ok) await ok(response);
  },
  /** The export's bytes (a DOCX document or a ZIP archive). */
  exportProject: async (projectId: string, format: "docx" | "zip"): Promise<Blob> => {
    const response = await studio().projects[":id"].export.$get({ param: { id: projectId }, query: { format } });
    if (!response.ok) await ok(response);
    return response.blob();
  },
};

export { problemText } from "../problem-text";
