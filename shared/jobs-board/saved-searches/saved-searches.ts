import { queueEmail } from "../../email/outbox";
import { conflict, notFound } from "../../http/errors";
import { findUserRecord } from "../../identity/account/records";
import { newId } from "../../ids";
import type { Deps } from "../../platform/deps-types";
import type { VacancySearch } from "../vacancies/search-plan";
import { searchVacancies } from "../vacancies/search";
import type { VacancyView } from "../vacancies/vacancy-view";
import {
  claimDigest,
  deleteSavedSearch,
  findSavedSearch,
  insertSavedSearchWithinLimit,
  listSavedSearchIds,
  listSavedSearches,
  type SavedSearchRecord,
} from "./records";

/** Saved searches one user may keep: each costs one search a day. */
export const MAX_SAVED_SEARCHES = 10;
/** New vacancies one digest lists per saved search (the newest first page of the search). */
export const DIGEST_ITEMS = 20;
/** Saved searches one `jobs.digest` job runs (each search reads at most 20 rows per item of a page). */
export const DIGEST_BATCH = 10;

export interface SavedSearchView {
  id: string;
  name: string;
  query: Record<string, string>;
  digestedAt: string;
  createdAt: string;
}

function view(record: SavedSearchRecord): SavedSearchView {
  return {
    id: record.id,
    name: record.name,
    query: JSON.parse(record.query) as Record<string, string>,
    digestedAt: record.digestedAt.toISOString(),
    createdAt: record.createdAt.toISOString(),
  };
}

/** Saves a search the route validated (`query` as sent, `search` what it parsed to); `409 too_many_saved_searches` past the limit. */
export async function saveSearch(deps: Deps, userId: string, name: string, query: Record<string, string>, search: VacancySearch): Promise<SavedSearchView> {
  const now = deps.clock.date();
  const record: SavedSearchRecord = {
    id: newId(now.getTime()),
    userId,
    name,
    query: JSON.stringify(query),
    search: JSON.stringify({ ...search, sort: "newest", limit: DIGEST_ITEMS }),
    digestedAt: now,
    createdAt: now,
  };
  if (!(await insertSavedSearchWithinLimit(deps.db, record, MAX_SAVED_SEARCHES)))
    throw conflict("too_many_saved_searches", `You have ${MAX_SAVED_SEARCHES} saved searches; delete one first`);
  return view(record);
}

export async function mySavedSearches(deps: Deps, userId: string): Promise<SavedSearchView[]> {
  return (await listSavedSearches(deps.db, userId)).map(view);
}

export async function removeSavedSearch(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await deleteSavedSearch(deps.db, id, userId))) throw notFound("No such saved search");
}

/** The digest job of a batch of saved searches. */
export interface JobsDigestJob {
  kind: "jobs.digest";
  savedSearchIds: string[];
}

declare module "../../env" {
  interface JobKinds {
    "jobs.digest": JobsDigestJob;
  }
}

/**
 * The daily cron: every saved search, in batches of DIGEST_BATCH per queued job (the walk reads
 * ids only; the searches run on the queue). Returns how many searches were queued.
 */
export async function queueDigests(deps: Deps): Promise<number> {
  let after: string | undefined;
  let queued = 0;
  for (;;) {
    const ids = await listSavedSearchIds(deps.db, after, DIGEST_BATCH * 10);
    const jobs: JobsDigestJob[] = [];
    for (let i = 0; i < ids.length; i += DIGEST_BATCH) jobs.push({ kind: "jobs.digest", savedSearchIds: ids.slice(i, i + DIGEST_BATCH) });
    if (jobs.length > 0) await deps.queue.sendBatch(jobs);
    queued += ids.length;
    if (ids.length < DIGEST_BATCH * 10) return queued;
    after = ids[ids.length - 1];
  }
}

/**
 * Runs each saved search once (newest first, one page of DIGEST_ITEMS) and e-mails its owner the
 * vacancies published since the last digest. The digest mark moves before the e-mail is queued,
 * and only if nobody moved it meanwhile, so a redelivered job sends nothing twice. Returns the
 * e-mails queued.
 */
export async function runDigests(deps: Deps, ids: readonly string[]): Promise<number> {
  let sent = 0;
  for (const id of ids) {
    const saved = await findSavedSearch(deps.db, id);
    if (!saved) continue;
    const search = JSON.parse(saved.search) as VacancySearch;
    const { page } = await searchVacancies(deps, { ...search, sort: "newest", limit: DIGEST_ITEMS }, undefined);
    const since = saved.digestedAt.getTime();
    const fresh = page.items.filter((v) => v.publishedAt !== null && Date.parse(v.publishedAt) > since);
    const now = deps.clock.date();
    if (!(await claimDigest(deps.db, id, saved.digestedAt, now)) || fresh.length === 0) continue;
    const user = await findUserRecord(deps.db, saved.userId);
    if (!user) continue;
    await queueEmail(deps, digestEmail(deps, user.email, saved.name, fresh));
    sent += 1;
  }
  return sent;
}

function digestEmail(deps: Deps, to: string, name: string, vacancies: VacancyView[]) {
  const base = deps.config.email.linkBase;
  const lines = vacancies.map((v) => `- ${v.title} at ${v.company.name}${v.location ? ` (${v.location.place})` : ""}: ${base}/app/jobs/vacancies/${v.id}`);
  return {
    to,
    subject: `${vacancies.length} new ${vacancies.length === 1 ? "vacancy" : "vacancies"} for "${name}"`,
    text: `New since your last digest for your saved search "${name}":\n\n${lines.join("\n")}\n\nManage your saved searches: ${base}/app/jobs\n`,
  };
}
