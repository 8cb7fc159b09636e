// Following a company: a user's own list of companies to keep an eye on. The company's page shows
// the follower count and whether you follow; only you see whom you follow, and only the company's
// members (and admins) see who follows it, as far as those followers' profiles are visible to them.
import { z } from "zod";
import { notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import type { Deps } from "../../platform/deps-types";
import type { ProfileViewer } from "../profiles/records";
import { requireMemberRole } from "./companies";
import {
  type CompanyFollowerRow,
  deleteCompanyFollow,
  findCompanyFollowState,
  findCompanyRow,
  type FollowedCompanyRow,
  insertCompanyFollow,
  pageCompanyFollowers,
  pageFollowedCompanies,
} from "./records";

export interface CompanyFollowView {
  companyId: string;
  following: boolean;
  followerCount: number;
}

async function requireCompany(deps: Deps, companyId: string): Promise<void> {
  if (!(await findCompanyRow(deps.db, companyId))) throw notFound("No such company");
}

export async function companyFollowState(deps: Deps, userId: string, companyId: string): Promise<CompanyFollowView> {
  await requireCompany(deps, companyId);
  return { companyId, ...(await findCompanyFollowState(deps.db, userId, companyId)) };
}

export async function followCompany(deps: Deps, userId: string, companyId: string, following: boolean): Promise<CompanyFollowView> {
  await requireCompany(deps, companyId);
  if (following) await insertCompanyFollow(deps.db, userId, companyId, deps.clock.date());
  else await deleteCompanyFollow(deps.db, userId, companyId);
  return { companyId, ...(await findCompanyFollowState(deps.db, userId, companyId)) };
}

export interface FollowedCompanyView {
  companyId: string;
  name: string;
  iconUrl: string | null;
  verified: boolean;
  followedAt: string;
}

const CursorSchema = z.object({ t: z.number().int(), id: z.string().max(64) });

export async function followedCompanies(deps: Deps, userId: string, cursor: string | undefined, limit: number): Promise<Page<FollowedCompanyView>> {
  const rows = await pageFollowedCompanies(deps.db, userId, decodeCursor(cursor, CursorSchema), limit);
  return keysetPage(
    rows,
    limit,
    (row: FollowedCompanyRow) => ({
      companyId: row.company.id,
      name: row.company.name,
      iconUrl: row.company.iconUrl,
      verified: row.company.verification === "verified",
      followedAt: row.followedAt.toISOString(),
    }),
    (last) => ({ t: last.followedAt.getTime(), id: last.company.id }),
  );
}

export interface CompanyFollowerView {
  userId: string;
  displayName: string;
  avatarUrl: string | null;
  headline: string;
  followedAt: string;
}

/**
 * Who follows the company, newest first: for its owners and recruiters, and admins (`403` for
 * anyone else, `404` for an unknown company). A follower whose profile the viewer may not see
 * (its visibility) is left out, as in every list of people.
 */
export async function companyFollowers(
  deps: Deps,
  viewer: ProfileViewer,
  companyId: string,
  cursor: string | undefined,
  limit: number,
): Promise<Page<CompanyFollowerView>> {
  if (viewer.admin) await requireCompany(deps, companyId);
  else await requireMemberRole(deps, companyId, viewer.userId, ["owner", "recruiter"], "see who follows the company");
  const rows = await pageCompanyFollowers(deps.db, companyId, viewer, decodeCursor(cursor, CursorSchema), limit);
  return keysetPage(
    rows,
    limit,
    (row: CompanyFollowerRow) => ({
      userId: row.user.id,
      displayName: row.user.displayName,
      avatarUrl: row.user.avatarUrl,
      headline: row.headline ?? "",
      followedAt: row.followedAt.toISOString(),
    }),
    (last) => ({ t: last.followedAt.getTime(), id: last.user.id }),
  );
}
