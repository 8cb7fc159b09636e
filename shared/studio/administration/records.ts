import { and, desc, eq, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import { users } from "../../db/schema/identity";
import { studioAssets, studioBoxes, studioComments, studioProjects } from "../../db/schema/studio";

/** Every query of studio administration: the operators' view of every user's studio rows. */

export const STUDIO_ITEM_KINDS = ["projects", "boxes", "assets", "comments"] as const;
export type StudioItemKind = (typeof STUDIO_ITEM_KINDS)[number];

/** One row of any kind as an operator lists it: what it says, whose it is, where it sits. */
export interface StudioItemRecord {
  id: string;
  ownerId: string;
  ownerEmail: string | null;
  ownerName: string | null;
  /** A project's or box's name, an asset's prompt, a comment's text. */
  text: string;
  /** A comment's author as the visitor typed it; an asset's type and status. */
  detail: string | null;
  projectId: string | null;
  boxId: string | null;
  /** An asset's file (a preview for the operator). */
  fileId: string | null;
  hiddenAt: Date | null;
  hiddenReason: string | null;
  createdAt: Date;
}

export interface StudioItemFilter {
  /** A case-insensitive substring of the text (and a comment's author name), or the owner's e-mail. */
  q?: string;
  hidden?: boolean;
}

const TABLES = { projects: studioProjects, boxes: studioBoxes, assets: studioAssets, comments: studioComments } as const;

/**
 * The table of `kind`, typed as the projects table: the columns these queries use (id, ownerId,
 * hiddenAt, hiddenReason, createdAt) have the same names and types in all four, and drizzle's
 * builders do not take a union of tables.
 */
const tableOf = (kind: StudioItemKind) => TABLES[kind] as unknown as typeof studioProjects;

/** What a row of each kind shows, under the same names: the listing is one query shape for all four. */
interface ItemColumns {
  ownerEmail: AnySQLiteColumn;
  ownerName: AnySQLiteColumn;
  text: AnySQLiteColumn;
  detail: AnySQLiteColumn | SQL;
  projectId: AnySQLiteColumn | SQL;
  boxId: AnySQLiteColumn | SQL;
  fileId: AnySQLiteColumn | SQL;
}

function columnsOf(kind: StudioItemKind): ItemColumns {
  const owner = { ownerEmail: users.email, ownerName: users.displayName };
  switch (kind) {
    case "projects":
      return { ...owner, text: studioProjects.name, detail: sql<null>`NULL`, projectId: studioProjects.id, boxId: sql<null>`NULL`, fileId: sql<null>`NULL` };
    case "boxes":
      return { ...owner, text: studioBoxes.name, detail: sql<null>`NULL`, projectId: studioBoxes.projectId, boxId: studioBoxes.id, fileId: sql<null>`NULL` };
    case "assets":
      return {
        ...owner,
        text: studioAssets.prompt,
        detail: sql<string>`${studioAssets.type} || ' · ' || ${studioAssets.status}`,
        projectId: sql<string>`(SELECT b.project_id FROM studio_boxes b WHERE b.id = ${studioAssets.boxId})`,
        boxId: studioAssets.boxId,
        fileId: studioAssets.thumbnailFileId,
      };
    case "comments":
      return {
        ...owner,
        text: studioComments.text,
        detail: studioComments.authorName,
        projectId: sql<string>`(SELECT b.project_id FROM studio_boxes b WHERE b.id = ${studioComments.boxId})`,
        boxId: studioComments.boxId,
        fileId: sql<null>`NULL`,
      };
  }
}

function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Rows of one kind across every owner, newest first (ids are time-ordered); `before` is the last id of the previous page. */
export async function pageStudioItems(db: Database, kind: StudioItemKind, filter: StudioItemFilter, before: string | undefined, limit: number): Promise<StudioItemRecord[]> {
  const table = tableOf(kind);
  const columns = columnsOf(kind);
  const where: (SQL | undefined)[] = [before ? lt(table.id, before) : undefined];
  if (filter.hidden !== undefined) where.push(filter.hidden ? isNotNull(table.hiddenAt) : isNull(table.hiddenAt));
  if (filter.q) {
    const pattern = likePattern(filter.q);
    // drizzle's like() has no ESCAPE clause
    const author = kind === "comments" ? sql` OR lower(${studioComments.authorName}) LIKE ${pattern} ESCAPE '\\'` : sql``;
    where.push(sql`(lower(${columns.text}) LIKE ${pattern} ESCAPE '\\' OR ${users.emailNormalized} LIKE ${pattern} ESCAPE '\\'${author})`);
  }
  const rows = await db
    .select({ id: table.id, ownerId: table.ownerId, hiddenAt: table.hiddenAt, hiddenReason: table.hiddenReason, createdAt: table.createdAt, ...columns })
    .from(table)
    .leftJoin(users, eq(users.id, table.ownerId))
    .where(and(...where))
    .orderBy(desc(table.id))
    .limit(limit);
  return rows as unknown as StudioItemRecord[];
}

/** The owner of a row of `kind`, or undefined when there is none. */
export async function findStudioItemOwner(db: Database, kind: StudioItemKind, id: string): Promise<{ ownerId: string; hiddenAt: Date | null } | undefined> {
  const table = tableOf(kind);
  return db.select({ ownerId: table.ownerId, hiddenAt: table.hiddenAt }).from(table).where(eq(table.id, id)).get();
}

/** Hides (a reason and a time) or shows again (nulls) a row of `kind`; false when there is none. */
export async function setStudioItemHidden(db: Database, kind: StudioItemKind, id: string, hidden: { at: Date; reason: string } | null): Promise<boolean> {
  const table = tableOf(kind);
  const rows = await db
    .update(table)
    .set({ hiddenAt: hidden?.at ?? null, hiddenReason: hidden?.reason ?? null })
    .where(eq(table.id, id))
    .returning({ id: table.id });
  return rows.length === 1;
}
