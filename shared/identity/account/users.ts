import type { Database } from "../../db/client";
import { findUserByNormalizedEmail, findUserRecord, type ProfileChanges, updateProfileRecord, type UserRecord } from "./records";

export type UserRow = UserRecord;
export type { ProfileChanges } from "./records";

/** The public shape of a user: never a hash, secret or token. */
export interface PublicUser {
  id: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
  role: "user" | "moderator" | "admin";
  bio: string | null;
  avatarUrl: string | null;
  locale: string | null;
  timezone: string | null;
  presenceVisibility: "chats" | "nobody";
  createdAt: string;
  updatedAt: string;
}

/** Every column `toPublicUser` reads: a full row, or the session check's slimmer one. */
export type PublicUserColumns = Pick<UserRow, keyof PublicUser>;

export function toPublicUser(row: PublicUserColumns): PublicUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    emailVerified: row.emailVerified,
    role: row.role,
    bio: row.bio,
    avatarUrl: row.avatarUrl,
    locale: row.locale,
    timezone: row.timezone,
    presenceVisibility: row.presenceVisibility,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  return findUserByNormalizedEmail(db, normalizeEmail(email));
}

export async function findUserById(db: Database, id: string): Promise<UserRow | undefined> {
  return findUserRecord(db, id);
}

export async function updateProfile(db: Database, userId: string, changes: ProfileChanges, now: Date): Promise<UserRow> {
  const row = await updateProfileRecord(db, userId, changes, now);
  if (!row) throw new Error(`user ${userId} vanished during update`);
  return row;
}
