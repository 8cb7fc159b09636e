import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { blobs, files } from "../../db/schema/media";
import { studioAssets, studioBoxes } from "../../db/schema/studio";

/** Every query of the studio's exports: read-only joins of boxes, assets and their stored files. */

export type ExportBox = typeof studioBoxes.$inferSelect;
export type HeadlinerRecord = Pick<
  typeof studioAssets.$inferSelect,
  "id" | "boxId" | "type" | "prompt" | "modelId" | "params" | "seed" | "fileId" | "thumbnailFileId"
>;

export async function projectBoxes(db: Database, projectId: string): Promise<ExportBox[]> {
  return db.select().from(studioBoxes).where(eq(studioBoxes.projectId, projectId)).orderBy(asc(studioBoxes.orderIndex), asc(studioBoxes.id));
}

export async function boxesWithHeadliners(db: Database, projectId: string): Promise<{ boxes: ExportBox[]; headliners: HeadlinerRecord[] }> {
  const [boxes, headliners] = await Promise.all([
    projectBoxes(db, projectId),
    db
      .select({
        id: studioAssets.id,
        boxId: studioAssets.boxId,
        type: studioAssets.type,
        prompt: studioAssets.prompt,
        modelId: studioAssets.modelId,
        params: studioAssets.params,
        seed: studioAssets.seed,
        fileId: studioAssets.fileId,
        thumbnailFileId: studioAssets.thumbnailFileId,
      })
      .from(studioAssets)
      .where(inArray(studioAssets.id, db.select({ id: studioBoxes.headlinerAssetId }).from(studioBoxes).where(eq(studioBoxes.projectId, projectId)))),
  ]);
  return { boxes, headliners };
}

export interface OriginalFile {
  assetId: string;
  boxId: string;
  key: string;
  size: number;
  contentType: string;
  createdAt: Date;
}

/** The stored bytes of every completed asset of the project, box by box, oldest first. */
export async function projectOriginals(db: Database, projectId: string): Promise<OriginalFile[]> {
  return db
    .select({
      assetId: studioAssets.id,
      boxId: studioAssets.boxId,
      key: blobs.key,
      size: files.size,
      contentType: files.contentType,
      createdAt: studioAssets.createdAt,
    })
    .from(studioAssets)
    .innerJoin(studioBoxes, eq(studioBoxes.id, studioAssets.boxId))
    .innerJoin(files, eq(files.id, studioAssets.fileId))
    .innerJoin(blobs, eq(blobs.id, files.blobId))
    .where(and(eq(studioBoxes.projectId, projectId), eq(studioAssets.status, "completed")))
    .orderBy(asc(studioBoxes.orderIndex), asc(studioAssets.id));
}
