import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { forgetAiTaskQueries } from "./ai/records";
import { anonymiseCandidateQueries, forgetActorQueries, listAllCandidateApplications, listEventsOf } from "./applications/records";
import { findCompaniesByIds, forgetMemberQueries, listFollowedCompanyIds, listMemberships } from "./companies/records";
import { finishSuccession, readSuccession, successionQueries } from "./companies/succession";
import { findProfileRecord, forgetProfileQueries, listFollowIds } from "./profiles/records";
import { forgetSavedSearchQueries, listSavedSearches } from "./saved-searches/records";

/**
 * The jobs board's part of an account: profile, follows, company memberships and applications
 * (a deleted candidate's applications stay for the companies' records, anonymised). A company never
 * loses its last owner to an account deletion: its longest-standing other member becomes owner in
 * the deletion's batch; a company with no other member is closed down afterwards.
 */
export const jobsAccount: AccountModule = {
  name: "jobs",
  exportData: async (deps, userId) => {
    const db = deps.db;
    const [profile, follows, memberships, applications] = await Promise.all([
      findProfileRecord(db, userId),
      listFollowIds(db, userId),
      listMemberships(db, userId),
      listAllCandidateApplications(db, userId),
    ]);
    const savedSearches = await listSavedSearches(db, userId);
    const followedCompanies = await listFollowedCompanyIds(db, userId);
    const events = await listEventsOf(
      db,
      applications.map((a) => a.id),
    );
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
            visibility: profile.visibility,
          }
        : null,
      following: follows.following,
      followers: follows.followers,
      followedCompanies,
      companies: memberships.map((m) => ({ companyId: m.companyId, name: names.get(m.companyId) ?? null, role: m.role, since: m.createdAt.toISOString() })),
      savedSearches: savedSearches.map((s) => ({ id: s.id, name: s.name, query: JSON.parse(s.query) as unknown, createdAt: s.createdAt.toISOString() })),
      applications: applications.map((a) => ({
        id: a.id,
        vacancyId: a.vacancy_id,
        vacancyTitle: a.vacancy_title,
        company: a.company_name,
        status: a.status,
        coverLetter: a.cover_letter,
        cvFileId: a.cv_file_id,
        videoId: a.video_id,
        note: a.note,
        createdAt: a.created_at.toISOString(),
        history: events
          .filter((e) => e.applicationId === a.id)
          .map((e) => ({ from: e.fromStatus, to: e.toStatus, note: e.note, at: e.createdAt.toISOString() })),
      })),
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
        ...anonymiseCandidateQueries(db, userId, deps.clock.date()),
        ...forgetActorQueries(db, userId),
        ...forgetSavedSearchQueries(db, userId),
      ]),
      afterwards: succession.companyIds.length > 0 ? () => finishSuccession(deps, succession) : undefined,
    };
  },
};
