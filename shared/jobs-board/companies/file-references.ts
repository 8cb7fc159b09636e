import type { FileReferences } from "../../media/file-references";
import { clearCompanyIconsQuery, companyIconUseSql } from "./records";

/** Company icons are media files: a deleted file is no longer any company's icon. */
export const companyIconReferences: FileReferences = {
  module: "jobs-board",
  releaseQueries: (db, fileIds) => [clearCompanyIconsQuery(db, fileIds)],
  publicUse: (fileId) => companyIconUseSql(fileId),
};
