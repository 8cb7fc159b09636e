import { createDatabase } from "../db/client";
import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { forgetUserStudioQueries, listOwnerStudio } from "./library/records";
import { assetView, boxView, projectView } from "./library/views";
import { studioLibraryConfig } from "./studio-config";

/**
 * The studio's part of an account: projects, boxes and assets in the export; all of it gone on
 * deletion (the assets' files are the user's, so media's part drops their blob references).
 */
export const studioAccount: AccountModule = {
  name: "studio",
  exportData: async (env, userId) => {
    const db = createDatabase(env.DB);
    const { projects, boxes, assets } = await listOwnerStudio(db, userId);
    const retentionDays = studioLibraryConfig(env).retentionDays;
    return {
      projects: projects.map(projectView),
      boxes: boxes.map(boxView),
      assets: assets.map((asset) => assetView(asset, { retentionDays, headliner: asset.headliner })),
    };
  },
  onDelete: async (env, userId) => {
    const db = createDatabase(env.DB);
    return { statements: toD1Statements(db, forgetUserStudioQueries(db, userId)) };
  },
};
