import { isImage } from "../../media/media-types";
import { findFile } from "../../media/records/files";
import { variantContent } from "../../media/variants";
import { ownProject } from "../library/projects";
import { safeName } from "./archive-names";
import { streamProjectArchive } from "./project-archive";
import { type Preview, projectDocument } from "./project-document";
import { boxesWithHeadliners, type HeadlinerRecord, projectBoxes, projectOriginals } from "./records";
import type { Deps } from "../../platform/deps-types";

export type ExportFormat = "docx" | "zip";

const CONTENT_TYPES: Record<ExportFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  zip: "application/zip",
};

/** Width of a headliner preview in the document, in pixels. */
const PREVIEW_WIDTH = 256;

/** A PNG variant of the headliner's thumbnail (or of the image itself); none for a video without a thumbnail. */
async function headlinerPreview(deps: Deps, headliner: HeadlinerRecord): Promise<Preview | undefined> {
  const fileId = headliner.thumbnailFileId ?? (headliner.type === "image" ? headliner.fileId : null);
  if (!fileId) return undefined;
  const file = await findFile(deps.db, fileId);
  if (!file || !isImage(file.contentType)) return undefined;
  try {
    const variant = await variantContent(deps.files, deps.images, file, { width: PREVIEW_WIDTH, format: "png" });
    const object = await deps.files.get(variant.key);
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
export async function exportProject(deps: Deps, projectId: string, ownerId: string, format: ExportFormat): Promise<Response> {
  const project = await ownProject(deps, projectId, ownerId);
  const fileName = `${safeName(project.name, "project")}.${format}`;
  const headers = {
    "content-type": CONTENT_TYPES[format],
    "content-disposition": `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  };
  if (format === "zip") {
    const [boxes, originals] = await Promise.all([projectBoxes(deps.db, project.id), projectOriginals(deps.db, project.id)]);
    return new Response(streamProjectArchive(deps.files, boxes, originals), { headers });
  }
  const { boxes, headliners } = await boxesWithHeadliners(deps.db, project.id);
  const previews = new Map<string, Preview>();
  for (const headliner of headliners) {
    const preview = await headlinerPreview(deps, headliner);
    if (preview) previews.set(headliner.id, preview);
  }
  const document = await projectDocument(project.name, boxes, new Map(headliners.map((h) => [h.id, h])), previews);
  return new Response(document, { headers: { ...headers, "content-length": String(document.byteLength) } });
}
