import { clearOnline, findPresenceRecord, setLastSeen, setOnlineSince } from "../identity/account/records";
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

/** What the hub last asked to be written: online, offline (last seen now), or not online without a moment to tell (see `noDevices`). */
type PresenceState = "online" | "offline" | "gone";

/**
 * What a user's hub writes of the user's presence to D1 (`users.online_since`, `last_seen_at`):
 * online from a socket on, offline and last seen when the last one closes. One write at a time,
 * and always of the latest state, so a close and a connect racing each other leave what is true
 * now, whichever write would have finished first. Chat list updates go only to members online
 * (shared/chat/chat-list-sync.ts), so the flag must not lag a connect.
 */
export class HubPresence {
  #wanted: PresenceState | null = null;
  /** What D1 holds as far as this instance knows (null: not known since it woke). */
  #written: PresenceState | null = null;
  #writing: Promise<void> | null = null;

  constructor(
    private readonly deps: Pick<Deps, "db" | "clock">,
    private readonly userId: string,
  ) {}

  /** A socket is open: resolves once D1 says so. */
  online(): Promise<void> {
    return this.want("online");
  }

  /** The last socket closed: last seen now. */
  offline(): Promise<void> {
    return this.want("offline");
  }

  /**
   * Something was sent to the user and no socket was open: if D1 may still say online (the sockets
   * went without a close event, e.g. a restart), it stops saying so, leaving last seen as it was.
   */
  noDevices(): Promise<void> {
    if (this.#written === "offline" || this.#written === "gone" || this.#wanted === "online") return this.#writing ?? Promise.resolve();
    return this.want("gone");
  }

  private want(state: PresenceState): Promise<void> {
    this.#wanted = state;
    this.#writing ??= this.flush();
    return this.#writing;
  }

  private async flush(): Promise<void> {
    // Never ends before `want` has kept its promise: a flush with nothing to write would otherwise
    // clear `#writing` first and be kept as a settled promise, and no later state would be written.
    await Promise.resolve();
    try {
      while (this.#wanted !== null && this.#wanted !== this.#written && !(this.#wanted === "gone" && this.#written === "offline")) {
        const state = this.#wanted;
        if (state === "online") await setOnlineSince(this.deps.db, this.userId, this.deps.clock.date());
        else if (state === "offline") await setLastSeen(this.deps.db, this.userId, this.deps.clock.date());
        else await clearOnline(this.deps.db, this.userId);
        this.#written = state;
      }
    } finally {
      this.#writing = null;
    }
  }
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
