import { z } from "zod";
import { ftsQuery } from "../fts-query";
import { notFound } from "../http/errors";
import { decodeCursor, keysetPage, type Page } from "../http/pagination";
import type { Principal } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { maySeeGeneralChatMembers } from "./general-members";
import type { Person } from "./model";
import { findPeople, findPerson, listChatPartnerIds, listDirectoryPage, type PersonRecord } from "./records";

/**
 * People as clients show them (names and pictures). Looking a person up by id is open to every
 * signed-in user: ids are not guessable (UUIDv7, 74 random bits) and whoever holds one met the
 * person somewhere (a message, a chat, a call). Listing people is what the directory limits.
 */

const personOf = (row: PersonRecord): Person => ({ id: row.id, displayName: row.displayName, avatarUrl: row.avatarUrl });

/** GET /v1/users/:id: the active user's card, 404 for an unknown, deleted or disabled account. */
export async function personCard(deps: Deps, id: string): Promise<Person> {
  const row = await findPerson(deps.db, id);
  if (!row) throw notFound("No such person");
  return personOf(row);
}

/** The people `ids` (those that still exist), keyed by id: what a page of messages or members names. */
export async function peopleOf(deps: Pick<Deps, "db">, ids: readonly string[]): Promise<Map<string, Person>> {
  const rows = await findPeople(deps.db, ids);
  return new Map(rows.map((row) => [row.id, personOf(row)]));
}

const DirectoryCursor = z.object({ n: z.string().max(200), id: z.string().max(64) });

/**
 * GET /v1/people: the people the caller shares a direct or group chat with; where the general
 * chat's members are visible to the caller (an invite-only deployment, or an admin: the same rule
 * as its member list), everyone. `q` finds names by word prefix in any script.
 */
export async function directory(deps: Deps, viewer: Principal, query: { q?: string; cursor?: string; limit: number }): Promise<Page<Person>> {
  const after = decodeCursor(query.cursor, DirectoryCursor);
  const match = query.q ? ftsQuery(query.q, { maxTerms: 8, prefix: "every" }) : null;
  if (query.q && !match) return { items: [], nextCursor: null };
  const rows = await listDirectoryPage(
    deps.db,
    viewer.userId,
    { everyone: maySeeGeneralChatMembers(deps, viewer), match, after: after ? { name: after.n, id: after.id } : null },
    query.limit + 1,
  );
  return keysetPage(rows, query.limit, personOf, (last) => ({ n: last.displayName, id: last.id }));
}

/** The most hubs one rename is pushed to at once; beyond them, clients see the new name on their next list or page. */
export const PERSON_UPDATE_FANOUT_MAX = 1000;

/**
 * A person's name or picture changed: every device of theirs and of the people who share a direct
 * or group chat with them gets `person.updated`, so names on screen stay current. (The general
 * chat's members are not told one by one: in a large deployment that is every account. Clients
 * show the new name there from the next page of messages.)
 */
export async function announcePerson(deps: Deps, person: Person): Promise<void> {
  const others = await listChatPartnerIds(deps.db, person.id, PERSON_UPDATE_FANOUT_MAX);
  const frame = { type: "person.updated" as const, person };
  await Promise.allSettled([person.id, ...others].map((userId) => deps.objects.userHub(userId).notify(frame)));
}
