import type { AccountModule } from "../identity/account/account-module";
import { fileView } from "./files";
import type { SQLWrapper } from "drizzle-orm";
import { toD1Statements } from "../db/records";
import { forgetUserMediaQueries } from "./records/account";
import { listAllOwnFiles } from "./records/files";
import { listLikedImageIds, listOwnImages } from "./records/gallery";
import { listOpenUploads } from "./records/uploads";

/** Media's part of an account: files, gallery images, likes and open uploads in the export; all of it gone on deletion. */
export const mediaAccount: AccountModule = {
  name: "media",
  exportData: async (deps, userId) => {
    const { db } = deps;
    const [files, images, likedImageIds, uploads] = await Promise.all([
      listAllOwnFiles(db, userId),
      listOwnImages(db, userId),
      listLikedImageIds(db, userId),
      listOpenUploads(db, userId),
    ]);
    return {
      files: files.map((file) => ({ ...fileView(file), contentPath: `/v1/files/${file.id}/content` })),
      images: images.map((image) => ({
        id: image.id,
        fileId: image.fileId,
        title: image.title,
        description: image.description,
        tags: JSON.parse(image.tags) as string[],
        likeCount: image.likeCount,
        createdAt: image.createdAt.toISOString(),
      })),
      likedImageIds,
      openUploads: uploads.map((upload) => ({
        id: upload.id,
        name: upload.name,
        purpose: upload.purpose,
        length: upload.length,
        offset: upload.offset,
        expiresAt: upload.expiresAt.toISOString(),
      })),
    };
  },
  onDelete: async (deps, userId, now) => {
    const { db } = deps;
    const releases = (fileIds: SQLWrapper) => deps.fileReferences.flatMap((references) => references.releaseQueries?.(db, fileIds) ?? []);
    return { statements: toD1Statements(db, forgetUserMediaQueries(db, userId, now, releases)) };
  },
};
