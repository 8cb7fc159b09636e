import type { Deps } from "../../platform/deps-types";
import type { SessionStanding } from "../../realtime/session-standings";
import { findActiveSessionUser } from "./records";

/**
 * A socket's session as Durable Objects recheck it (SessionStandings): alive, user not disabled,
 * and the user's current role. The same prepared query as every authenticated request. Apart from
 * principal.ts, whose token and ticket checks (jose) only the API Worker runs: the objects that
 * recheck sockets live in the realtime Worker and load this alone.
 */
export async function sessionStanding(deps: Deps, userId: string, sessionId: string): Promise<SessionStanding | null> {
  const user = await findActiveSessionUser(deps.db, userId, sessionId, deps.clock.now());
  return user ? { userId: user.id, role: user.role } : null;
}
