import { and, type Column, desc, eq, exists, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import { users } from "../../db/schema/identity";
import { companyMembers, follows, jobApplications, profiles, profileViews } from "../../db/schema/jobs";

export type ProfileRecord = typeof profiles.$inferSelect;
export type ProfileVisibility = ProfileRecord["visibility"];

/** Who looks at profiles: a signed-in user, and whether they are an admin (admins see every profile). */
export interface ProfileViewer {
  userId: string;
  admin: boolean;
}

/** A user with their profile (null before their first edit or follow). */
export interface ProfileRow {
  user: { id: string; displayName: string; avatarUrl: string | null };
  profile: ProfileRecord | null;
  followedByViewer: boolean;
  /** Whether the viewer the row was read for may see the profile (profileVisibleTo). */
  visibleToViewer: boolean;
}

const userColumns = { id: users.id, displayName: users.displayName, avatarUrl: users.avatarUrl };

// Aliases, so the subqueries below never capture a column of the outer query (pageFollows reads `follows` itself).
const viewerMemberships = alias(companyMembers, "viewer_memberships");
const ownerFollows = alias(follows, "owner_follows");
const ownerApplications = alias(jobApplications, "owner_applications");
const applicationRecruiters = alias(companyMembers, "application_recruiters");

/**
 * Whether `viewer` (null: an anonymous caller) may see the profile of the user in `userId`, as one
 * condition (docs/jobs-board.md, Profiles): the owner and admins always; `everyone` for all;
 * `recruiters` for members of any company and the people the owner follows; and whatever the
 * setting, the members of a company the owner applied to, so the pipeline keeps working. The
 * query must left-join `profiles` on that user (no profile row reads as `everyone`).
 */
export function profileVisibleTo(db: Database, userId: Column, viewer: ProfileViewer | null): SQL {
  const visibility = sql`coalesce(${profiles.visibility}, 'everyone')`;
  if (!viewer) return sql`${visibility} = 'everyone'`;
  if (viewer.admin) return sql`1`;
  const one = { one: sql`1` };
  const viewerIsRecruiter = exists(db.select(one).from(viewerMemberships).where(eq(viewerMemberships.userId, viewer.userId)));
  const ownerFollowsViewer = exists(
    db
      .select(one)
      .from(ownerFollows)
      .where(and(eq(ownerFollows.followerId, userId), eq(ownerFollows.followeeId, viewer.userId))),
  );
  const appliedToViewersCompany = exists(
    db
      .select(one)
      .from(ownerApplications)
      .innerJoin(applicationRecruiters, eq(applicationRecruiters.companyId, ownerApplications.companyId))
      .where(and(eq(ownerApplications.candidateId, userId), eq(applicationRecruiters.userId, viewer.userId))),
  );
  return or(
    eq(userId, viewer.userId),
    sql`${visibility} = 'everyone'`,
    and(sql`${visibility} = 'recruiters'`, or(viewerIsRecruiter, ownerFollowsViewer)),
    appliedToViewersCompany,
  ) as SQL;
}

/** The user's profile row as `viewer` reads it: whether they follow the user and may see the profile. */
export async function findProfileRow(db: Database, userId: string, viewer: ProfileViewer | null): Promise<ProfileRow | undefined> {
  const [row] = await db
    .select({
      user: userColumns,
      profile: profiles,
      followedByViewer: viewer
        ? sql<number>`exists (select 1 from ${follows} where ${follows.followerId} = ${viewer.userId} and ${follows.followeeId} = ${users.id})`
        : sql<number>`0`,
      visibleToViewer: sql<number>`${profileVisibleTo(db, users.id, viewer)}`,
    })
    .from(users)
    .leftJoin(profiles, eq(profiles.userId, users.id))
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return row
    ? { user: row.user, profile: row.profile, followedByViewer: Boolean(row.followedByViewer), visibleToViewer: Boolean(row.visibleToViewer) }
    : undefined;
}

export type ProfileChanges = Partial<Pick<ProfileRecord, "headline" | "bio" | "tags" | "lat" | "lng" | "place" | "links" | "videoId" | "visibility">>;

export async function upsertProfile(db: Database, userId: string, changes: ProfileChanges, now: Date): Promise<void> {
  await db
    .insert(profiles)
    .values({ userId, ...changes, updatedAt: now })
    .onConflictDoUpdate({ target: profiles.userId, set: { ...changes, updatedAt: now } });
}

/** The insert that gives a user a profile row if they have none (counts live there). */
function ensureProfile(db: Database, userId: string, now: Date) {
  return db.insert(profiles).values({ userId, updatedAt: now }).onConflictDoNothing();
}

/**
 * Follow and unfollow in one batch each: only the request whose insert (or delete) changed the
 * follows table moves the two counts, so concurrent repeats never count twice. The follow row
 * carries the token of the request that wrote it; the count updates check for that token.
 */
export async function insertFollow(db: Database, followerId: string, followeeId: string, token: string, now: Date): Promise<void> {
  const mine = sql`exists (select 1 from ${follows} where ${follows.followerId} = ${followerId} and ${follows.followeeId} = ${followeeId} and ${follows.token} = ${token})`;
  await db.batch([
    ensureProfile(db, followerId, now),
    ensureProfile(db, followeeId, now),
    db.insert(follows).values({ followerId, followeeId, token, createdAt: now }).onConflictDoNothing(),
    db
      .update(profiles)
      .set({ followerCount: sql`${profiles.followerCount} + 1` })
      .where(and(eq(profiles.userId, followeeId), mine)),
    db
      .update(profiles)
      .set({ followingCount: sql`${profiles.followingCount} + 1` })
      .where(and(eq(profiles.userId, followerId), mine)),
  ]);
}

export async function deleteFollow(db: Database, followerId: string, followeeId: string): Promise<void> {
  const exists = sql`exists (select 1 from ${follows} where ${follows.followerId} = ${followerId} and ${follows.followeeId} = ${followeeId})`;
  await db.batch([
    db
      .update(profiles)
      .set({ followerCount: sql`${profiles.followerCount} - 1` })
      .where(and(eq(profiles.userId, followeeId), exists)),
    db
      .update(profiles)
      .set({ followingCount: sql`${profiles.followingCount} - 1` })
      .where(and(eq(profiles.userId, followerId), exists)),
    db.delete(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId))),
  ]);
}

/** Counts the view if it is this viewer's first of the day on this profile. */
export async function recordProfileView(db: Database, profileId: string, viewerId: string, day: string, token: string, now: Date): Promise<void> {
  await db.batch([
    ensureProfile(db, profileId, now),
    db.insert(profileViews).values({ profileId, viewerId, day, token }).onConflictDoNothing(),
    db
      .update(profiles)
      .set({ viewCount: sql`${profiles.viewCount} + 1` })
      .where(
        and(
          eq(profiles.userId, profileId),
          sql`exists (select 1 from ${profileViews} where ${profileViews.profileId} = ${profileId} and ${profileViews.viewerId} = ${viewerId} and ${profileViews.day} = ${day} and ${profileViews.token} = ${token})`,
        ),
      ),
  ]);
}

/** View rows of days before `day` only guard against double counting on their own day. */
export async function deleteProfileViewsBefore(db: Database, day: string): Promise<void> {
  await db.delete(profileViews).where(lt(profileViews.day, day));
}

export interface ViewerRow {
  user: { id: string; displayName: string; avatarUrl: string | null };
  headline: string | null;
  day: string;
}

/**
 * Who viewed `profileId`, newest day first (one row per viewer and day), through
 * profile_views_profile_day_idx; viewers whose own profile `owner` may not see are left out.
 */
export async function pageProfileViewers(
  db: Database,
  owner: ProfileViewer,
  after: { d: string; id: string } | undefined,
  limit: number,
): Promise<ViewerRow[]> {
  const profileId = owner.userId;
  return db
    .select({ user: userColumns, headline: profiles.headline, day: profileViews.day })
    .from(profileViews)
    .innerJoin(users, and(eq(users.id, profileViews.viewerId), isNull(users.disabledAt)))
    .leftJoin(profiles, eq(profiles.userId, profileViews.viewerId))
    .where(
      and(
        eq(profileViews.profileId, profileId),
        profileVisibleTo(db, profileViews.viewerId, owner),
        after ? or(lt(profileViews.day, after.d), and(eq(profileViews.day, after.d), lt(profileViews.viewerId, after.id))) : undefined,
      ),
    )
    .orderBy(desc(profileViews.day), desc(profileViews.viewerId))
    .limit(limit + 1);
}

export interface FollowCursor {
  t: number;
  id: string;
}

export interface FollowRow {
  user: { id: string; displayName: string; avatarUrl: string | null };
  headline: string | null;
  followedAt: Date;
}

/** Followers (`direction` "followers") or followees of a user, newest follow first; only those whose profile `viewer` may see. */
export async function pageFollows(
  db: Database,
  userId: string,
  direction: "followers" | "following",
  viewer: ProfileViewer | null,
  after: FollowCursor | undefined,
  limit: number,
): Promise<FollowRow[]> {
  const own = direction === "followers" ? follows.followeeId : follows.followerId;
  const other = direction === "followers" ? follows.followerId : follows.followeeId;
  const at = after ? new Date(after.t) : undefined;
  return db
    .select({ user: userColumns, headline: profiles.headline, followedAt: follows.createdAt })
    .from(follows)
    .innerJoin(users, eq(users.id, other))
    .leftJoin(profiles, eq(profiles.userId, other))
    .where(
      and(
        eq(own, userId),
        profileVisibleTo(db, other, viewer),
        at && after ? or(lt(follows.createdAt, at), and(eq(follows.createdAt, at), lt(other, after.id))) : undefined,
      ),
    )
    .orderBy(desc(follows.createdAt), desc(other))
    .limit(limit + 1);
}

export async function listFollowIds(db: Database, userId: string): Promise<{ following: string[]; followers: string[] }> {
  const [following, followers] = await Promise.all([
    db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, userId)),
    db.select({ id: follows.followerId }).from(follows).where(eq(follows.followeeId, userId)),
  ]);
  return { following: following.map((r) => r.id), followers: followers.map((r) => r.id) };
}

export async function findProfileRecord(db: Database, userId: string): Promise<ProfileRecord | undefined> {
  const [row] = await db.select().from(profiles).where(eq(profiles.userId, userId));
  return row;
}

/** The deleted user's profile, follows (with the other side's counts) and views. */
export function forgetProfileQueries(db: Database, userId: string) {
  return [
    db
      .update(profiles)
      .set({ followerCount: sql`${profiles.followerCount} - 1` })
      .where(inArray(profiles.userId, db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, userId)))),
    db
      .update(profiles)
      .set({ followingCount: sql`${profiles.followingCount} - 1` })
      .where(inArray(profiles.userId, db.select({ id: follows.followerId }).from(follows).where(eq(follows.followeeId, userId)))),
    db.delete(follows).where(or(eq(follows.followerId, userId), eq(follows.followeeId, userId))),
    db.delete(profileViews).where(or(eq(profileViews.profileId, userId), eq(profileViews.viewerId, userId))),
    db.delete(profiles).where(eq(profiles.userId, userId)),
  ];
}
