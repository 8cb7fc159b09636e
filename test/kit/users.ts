import { setRoleUnlessLastAdmin } from "../../shared/identity/admin/records";
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
