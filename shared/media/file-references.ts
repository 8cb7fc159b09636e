import type { Query, SQL, SQLWrapper } from "drizzle-orm";
import type { BatchQuery, Database } from "../db/client";

/** A statement of a batch (drizzle's), also one an account deletion's D1 batch can take (`toD1Statements`). */
export type ReleaseQuery = BatchQuery & { toSQL(): Query };

/**
 * Rows of another module that point at media files (a company's icon, a video's chosen
 * thumbnail). Media never writes or reads those tables itself: it asks each module that keeps
 * such references, through `deps.fileReferences`, for the statements that let go of the files it
 * deletes, and for whether a file is in public use there.
 */
export interface FileReferences {
  /** The module whose rows these are. */
  module: string;
  /**
   * Statements that drop this module's references to the files `fileIds` (a subquery of their ids,
   * read before the files go): they come first in the batch that deletes the files.
   */
  releaseQueries?(db: Database, fileIds: SQLWrapper): ReleaseQuery[];
  /** True (SQL) when something public of this module shows the file, so it must stay readable by anyone. */
  publicUse?(fileId: SQLWrapper): SQL;
}
