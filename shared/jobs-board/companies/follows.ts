// Following a company: a user's own list of companies to keep an eye on. The company's page shows
// the follower count and whether you follow; only you see whom you follow.
import { z } from "zod";
import { notFound } from "../../http/errors";
import { decodeCursor, keysetPage, type Page } from "../../http/pagination";
import type { Deps } from "../../platform/deps-types";
import { deleteCompanyFollow, findCompanyFollowState, findCompanyRow, type FollowedCompanyRow, insertCompanyFollow, pageFollowedCompanies } from "./records";

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
