import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { forgetUserStudioQueries, listOwnerStudio } from "./library/records";
import { assetView, boxView, projectView } from "./library/views";
import { commentView } from "./sharing/comments";

/**
 * The studio's part of an account: projects, boxes, assets, share links (not their tokens) and
 * comments in the export; all of it gone on
 * deletion (the assets' files are the user's, so media's part drops their blob references).
 */
export const studioAccount: AccountModule = {
  name: "studio",
  exportData: async (deps, userId) => {
    const { projects, boxes, assets, shareLinks, comments } = await listOwnerStudio(deps.db, userId);
    const retentionDays = deps.config.studioLibrary.retentionDays;
    return {
      projects: projects.map(projectView),
      boxes: boxes.map(boxView),
      assets: assets.map((asset) => assetView(asset, { retentionDays, headliner: asset.headliner })),
      shareLinks: shareLinks.map((link) => ({
        id: link.id,
        projectId: link.projectId,
        expiresAt: link.expiresAt?.toISOString() ?? null,
        createdAt: link.createdAt.toISOString(),
      })),
      comments: comments.map(commentView),
    };
  },
  onDelete: async (deps, userId) => {
    const { db } = deps;
    return { statements: toD1Statements(db, forgetUserStudioQueries(db, userId)) };
  },
};
