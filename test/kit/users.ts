import { markEmailVerifiedQuery } from "../../shared/identity/account/records";
import { insertInviteQuery, setRoleUnlessLastAdmin } from "../../shared/identity/admin/records";
import type { TestUser } from "../helpers";
import { testDeps } from "./deps";

export { registerUser, type TestUser } from "../helpers";

type Role = "user" | "moderator" | "admin";

/** Gives a user a role through identity's records function (what PATCH /v1/admin/users/:id/role writes), without an admin. */
export async function setRole(user: Pick<TestUser, "id">, role: Role): Promise<void> {
  const { db, clock } = testDeps();
  if (!(await setRoleUnlessLastAdmin(db, user.id, role, clock.date()))) throw new Error(`user ${user.id} cannot become ${role} (the last admin)`);
}

export const makeAdmin = (user: Pick<TestUser, "id">) => setRole(user, "admin");
export const makeModerator = (user: Pick<TestUser, "id">) => setRole(user, "moderator");

/** Marks the user's address verified, as following the e-mail's link does (identity's records function). */
export async function markEmailVerified(user: Pick<TestUser, "id">): Promise<void> {
  const { db, clock } = testDeps();
  await markEmailVerifiedQuery(db, user.id, clock.date());
}

/** An invite code as an admin would create it (identity's records function), optionally already expired or revoked. */
export async function createInvite(code: string, options: { maxUses?: number; expiresAt?: number; revokedAt?: number } = {}): Promise<void> {
  const { db, clock } = testDeps();
  await insertInviteQuery(db, {
    code,
    maxUses: options.maxUses ?? 1,
    expiresAt: options.expiresAt === undefined ? null : new Date(options.expiresAt),
    revokedAt: options.revokedAt === undefined ? null : new Date(options.revokedAt),
    createdAt: clock.date(),
  });
}
