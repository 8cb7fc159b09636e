import type { FileReferences } from "../../media/file-references";
import { clearApplicationCvsQuery } from "./records";

/** A CV is one of the candidate's media files: a deleted file is no application's CV any more. */
export const applicationCvReferences: FileReferences = {
  module: "jobs-board-applications",
  releaseQueries: (db, fileIds) => [clearApplicationCvsQuery(db, fileIds)],
};
