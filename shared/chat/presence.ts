import { setLastSeen, findPresenceRecord } from "../identity/account/records";
import { notFound } from "../http/errors";
import type { Principal } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { sharesChat } from "./records";

/**
 * Presence: whether a person is online (a socket to their hub is open) and when they were last
 * seen (their last one closed). Shown only between people who share a direct or group chat, and
 * only while both show theirs (`presenceVisibility: "chats"`, the default): who hides their own
 * sees nobody's, as in Telegram and WhatsApp.
 */
export type Presence = { visible: true; online: boolean; lastSeenAt: string | null } | { visible: false };

export async function lastSeenNow(deps: Pick<Deps, "db" | "clock">, userId: string): Promise<void> {
  await setLastSeen(deps.db, userId, deps.clock.date());
}

/** GET /v1/users/:id/presence. */
export async function presenceOf(deps: Deps, viewer: Principal, userId: string): Promise<Presence> {
  const [theirs, mine] = await Promise.all([findPresenceRecord(deps.db, userId), findPresenceRecord(deps.db, viewer.userId)]);
  if (!theirs) throw notFound("No such person");
  const self = userId === viewer.userId;
  if (!self && (theirs.presenceVisibility !== "chats" || mine?.presenceVisibility !== "chats" || !(await sharesChat(deps.db, viewer.userId, userId))))
    return { visible: false };
  const online = (await deps.objects.userHub(userId).connectionCount()) > 0;
  return { visible: true, online, lastSeenAt: theirs.lastSeenAt?.toISOString() ?? null };
}
