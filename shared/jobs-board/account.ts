import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { forgetAiTaskQueries } from "./ai/records";
import { findCompaniesByIds, forgetMemberQueries, listMemberships } from "./companies/records";
import { finishSuccession, readSuccession, successionQueries } from "./companies/succession";
import { findProfileRecord, forgetProfileQueries, listFollowIds } from "./profiles/records";

/**
 * The jobs board's part of an account: profile, follows and company memberships. A company never
 * loses its last owner to an account deletion: its longest-standing other member becomes owner in
 * the deletion's batch; a company with no other member is closed down afterwards.
 */
export const jobsAccount: AccountModule = {
  name: "jobs",
  exportData: async (deps, userId) => {
    const db = deps.db;
    const [profile, follows, memberships] = await Promise.all([findProfileRecord(db, userId), listFollowIds(db, userId), listMemberships(db, userId)]);
    const names = new Map(
      (
        await findCompaniesByIds(
          db,
          memberships.map((m) => m.companyId),
        )
      ).map((c) => [c.id, c.name]),
    );
    return {
      profile: profile
        ? {
            headline: profile.headline,
            bio: profile.bio,
            tags: JSON.parse(profile.tags) as string[],
            location: profile.lat === null ? null : { lat: profile.lat, lng: profile.lng, place: profile.place },
            links: JSON.parse(profile.links) as unknown[],
          }
        : null,
      following: follows.following,
      followers: follows.followers,
      companies: memberships.map((m) => ({ companyId: m.companyId, name: names.get(m.companyId) ?? null, role: m.role, since: m.createdAt.toISOString() })),
    };
  },
  onDelete: async (deps, userId) => {
    const db = deps.db;
    const succession = await readSuccession(deps, userId);
    return {
      statements: toD1Statements(db, [
        ...successionQueries(deps, userId, succession),
        ...forgetProfileQueries(db, userId),
        ...forgetMemberQueries(db, userId),
        ...forgetAiTaskQueries(db, userId),
      ]),
      afterwards: succession.companyIds.length > 0 ? () => finishSuccession(deps, succession) : undefined,
    };
  },
};
