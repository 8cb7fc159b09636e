import { clock } from "../../clock";
import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
import { activeSessionIdList } from "./records";

/**
 * Closes the realtime sockets of an ended session (or of every session of the user). Best
 * effort: the session is already revoked in D1, so a socket that stays open only until its
 * next authenticated action is no reason to fail the request.
 */
export async function closeSessionSockets(env: Env, userId: string, sessionId?: string): Promise<void> {
  try {
    await env.USER_HUB.getByName(userId).disconnect(sessionId);
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", msg: "closing realtime sockets failed", userId, error: String(error) }));
  }
}

/** Ids of the user's live sessions: read before revoking them, to close their sockets afterwards. */
export async function activeSessionIds(d1: D1Database, userId: string): Promise<string[]> {
  return activeSessionIdList(createDatabase(d1), userId, clock.date());
}
