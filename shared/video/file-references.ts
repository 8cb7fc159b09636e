import type { FileReferences } from "../media/file-references";
import { clearThumbnailFilesQuery, thumbnailUseSql } from "./records";

/** A video's chosen thumbnail is a media file: once deleted, the video shows Stream's frame again. */
export const videoThumbnailReferences: FileReferences = {
  module: "video",
  releaseQueries: (db, fileIds) => [clearThumbnailFilesQuery(db, fileIds)],
  publicUse: (fileId) => thumbnailUseSql(fileId),
};
