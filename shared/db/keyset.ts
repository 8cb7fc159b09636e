import { and, type Column, lt, or, type SQL, sql } from "drizzle-orm";

/**
 * The keyset condition of a list ordered newest first by (time, id): the rows after the previous
 * page's last row. The time is compared as the stored integer, so no cursor value can make an
 * invalid Date; undefined (no condition) on the first page.
 */
export function olderThan(time: Column, id: Column, last: { time: number; id: string } | null | undefined): SQL | undefined {
  if (!last) return undefined;
  return or(sql`${time} < ${last.time}`, and(sql`${time} = ${last.time}`, lt(id, last.id)));
}
