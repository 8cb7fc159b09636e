import { z } from "@hono/zod-openapi";
import { base64url, fromBase64url } from "../ids";
import { badRequest } from "./errors";

/** The most items one page holds; a larger `limit` is treated as this (docs/rest-conventions.md). */
export const MAX_PAGE_SIZE = 100;

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .transform((limit) => Math.min(limit, MAX_PAGE_SIZE))
    .openapi({
      param: { name: "limit", in: "query" },
      description: `Items per page, default 50; values above ${MAX_PAGE_SIZE} are treated as ${MAX_PAGE_SIZE}`,
    }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" } }),
});

/** Cursors are opaque to clients: base64url JSON of whatever the list needs to resume. */
export function encodeCursor(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(fromBase64url(cursor))));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: a cursor that does not decode is a client error
  }
  throw badRequest("invalid_cursor", "The cursor is not valid for this list");
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The page of a keyset query that fetched `limit + 1` rows: the extra row only says that more
 * exist, and the cursor resumes after the last row kept.
 */
export function keysetPage<Row, Item>(results: Row[], limit: number, toItem: (row: Row) => Item, cursorOf: (last: Row) => unknown): Page<Item> {
  const rows = results.slice(0, limit);
  const last = rows.at(-1);
  return { items: rows.map(toItem), nextCursor: results.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
