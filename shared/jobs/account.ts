import { createDatabase } from "../db/client";
import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { forgetAiTaskQueries } from "./ai/records";
import { forgetMemberQueries, listMemberships } from "./companies/records";
import { findProfileRecord, forgetProfileQueries, listFollowIds } from "./profiles/records";

/** The jobs board's part of an account: profile, follows and company memberships. */
export const jobsAccount: AccountModule = {
  name: "jobs",
  exportData: async (env, userId) => {
    const db = createDatabase(env.DB);
    const [profile, follows, memberships] = await Promise.all([findProfileRecord(db, userId), listFollowIds(db, userId), listMemberships(db, userId)]);
    return {
      profile: profile
        ? { headline: profile.headline, bio: profile.bio, tags: JSON.parse(profile.tags) as string[], location: profile.lat === null ? null : { lat: profile.lat, lng: profile.lng, place: profile.place }, links: JSON.parse(profile.links) as unknown[] }
        : null,
      following: follows.following,
      followers: follows.followers,
      companies: memberships.map((m) => ({ companyId: m.companyId, role: m.role })),
    };
  },
  onDelete: async (env, userId) => {
    const db = createDatabase(env.DB);
    return { statements: toD1Statements(db, [...forgetProfileQueries(db, userId), ...forgetMemberQueries(db, userId), ...forgetAiTaskQueries(db, userId)]) };
  },
};
