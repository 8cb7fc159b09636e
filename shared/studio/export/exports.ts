import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { isImage } from "../../media/media-types";
import { findFile } from "../../media/records";
import { variantContent } from "../../media/variants";
import { ownProject } from "../library/projects";
import { safeName } from "./archive-names";
import { streamProjectArchive } from "./project-archive";
import { type Preview, projectDocument } from "./project-document";
import { boxesWithHeadliners, type HeadlinerRecord, projectBoxes, projectOriginals } from "./records";

export type ExportFormat = "docx" | "zip";

const CONTENT_TYPES: Record<ExportFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  zip: "application/zip",
};

/** Width of a headliner preview in the document, in pixels. */
const PREVIEW_WIDTH = 256;

/** A PNG variant of the headliner's thumbnail (or of the image itself); none for a video without a thumbnail. */
async function headlinerPreview(env: Env, db: Database, headliner: HeadlinerRecord): Promise<Preview | undefined> {
  const fileId = headliner.thumbnailFileId ?? (headliner.type === "image" ? headliner.fileId : null);
  if (!fileId) return undefined;
  const file = await findFile(db, fileId);
  if (!file || !isImage(file.contentType)) return undefined;
  try {
    const variant = await variantContent(env.FILES, env.IMAGES, file, { width: PREVIEW_WIDTH, format: "png" });
    const object = await env.FILES.get(variant.key);
    if (!object) return undefined;
    const png = new Uint8Array(await object.arrayBuffer());
    const width = Math.min(PREVIEW_WIDTH, file.width ?? PREVIEW_WIDTH);
    const height = file.width && file.height ? Math.max(1, Math.round((width * file.height) / file.width)) : width;
    return { png, width, height };
  } catch {
    // An image the Images binding cannot read still gets its row, without a preview.
    return undefined;
  }
}

/** The owner's project as a DOCX (built in memory: previews are small) or a streamed ZIP of the originals. */
export async function exportProject(env: Env, db: Database, projectId: string, ownerId: string, format: ExportFormat): Promise<Response> {
  const project = await ownProject(db, projectId, ownerId);
  const fileName = `${safeName(project.name, "project")}.${format}`;
  const headers = {
    "content-type": CONTENT_TYPES[format],
    "content-disposition": `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  };
  if (format === "zip") {
    const [boxes, originals] = await Promise.all([projectBoxes(db, project.id), projectOriginals(db, project.id)]);
    return new Response(streamProjectArchive(env.FILES, boxes, originals), { headers });
  }
  const { boxes, headliners } = await boxesWithHeadliners(db, project.id);
  const previews = new Map<string, Preview>();
  for (const headliner of headliners) {
    const preview = await headlinerPreview(env, db, headliner);
    if (preview) previews.set(headliner.id, preview);
  }
  const document = await projectDocument(project.name, boxes, new Map(headliners.map((h) => [h.id, h])), previews);
  return new Response(document, { headers: { ...headers, "content-length": String(document.byteLength) } });
}
