import { type Result, refusal } from "../../platform/result";
import type { SfuTrack } from "./sfu";

export type TrackKind = "audio" | "video";

/** Most tracks one participant publishes at a time (their one session holds them all). */
export const MAX_PUBLISHED_TRACKS = 4;

/** A track someone in the call published: what the others pull by (`sessionId`, `trackName`). */
export interface Publication {
  userId: string;
  sessionId: string;
  trackName: string;
  kind: TrackKind;
  /** The publisher's transceiver `mid`: closing the track names it. */
  mid: string;
}

/** Tracks to close at the SFU because their publisher left or replaced their session. */
export interface Retired {
  sessionId: string;
  mids: string[];
}

/** What the gate keeps across hibernation (the CallRoom stores it after every change). */
export interface SfuGateSnapshot {
  sessions: { sessionId: string; userId: string }[];
  published: Publication[];
}

/**
 * The CallRoom's authority over SFU operations. SFU session ids and track names are not secrets
 * (clients see them to pull), so anyone holding them could close or pull another's tracks if the
 * platform forwarded requests blindly: every operation is checked here first. A participant acts
 * only on their own session (one at a time: a new one retires the earlier); they publish only
 * tracks named for themselves; they pull only tracks that someone in the call now published, from
 * the session that published them. Leaving the call forgets a participant's sessions and
 * publications, so nobody pulls them afterwards.
 */
export class SfuGate {
  readonly #sessionOwner = new Map<string, string>();
  /** `sessionId/trackName` -> publication. */
  readonly #published = new Map<string, Publication>();

  constructor(
    private readonly inCall: (userId: string) => boolean,
    saved: SfuGateSnapshot = { sessions: [], published: [] },
  ) {
    for (const { sessionId, userId } of saved.sessions) this.#sessionOwner.set(sessionId, userId);
    for (const publication of saved.published) this.#published.set(`${publication.sessionId}/${publication.trackName}`, publication);
  }

  /** A session the SFU just created for `userId`; the tracks of their earlier session are to be closed. */
  sessionCreated(userId: string, sessionId: string): Retired[] {
    const retired = this.#forget(userId);
    this.#sessionOwner.set(sessionId, userId);
    return retired;
  }

  /** A new session: participants only. */
  authoriseNewSession(userId: string): Result<void> {
    return this.inCall(userId) ? { ok: true, value: undefined } : refusal(403, "forbidden", "Only participants of the call use its media server");
  }

  /** Renegotiate or close: only on one's own session, while in the call. */
  authoriseOwnSession(userId: string, sessionId: string): Result<void> {
    const participant = this.authoriseNewSession(userId);
    if (!participant.ok) return participant;
    if (this.#sessionOwner.get(sessionId) !== userId) return refusal(403, "forbidden", "That media session is not yours");
    return { ok: true, value: undefined };
  }

  /** Publishing: local tracks only, on one's own session, each named `<userId>/...`. */
  authorisePush(userId: string, sessionId: string, tracks: readonly SfuTrack[]): Result<void> {
    const own = this.authoriseOwnSession(userId, sessionId);
    if (!own.ok) return own;
    for (const track of tracks) {
      if (track.location !== "local") return refusal(400, "invalid_body", "Publishing takes local tracks");
      if (!track.trackName.startsWith(`${userId}/`)) return refusal(403, "forbidden", "A track you publish is named for you");
    }
    // Each published track is forwarded to everyone who pulls it: a participant gets a camera, a microphone and a screen's worth.
    const names = new Set([...this.#published.values()].filter((p) => p.sessionId === sessionId).map((p) => p.trackName));
    for (const track of tracks) names.add(track.trackName);
    if (names.size > MAX_PUBLISHED_TRACKS) return refusal(403, "forbidden", `A participant publishes at most ${MAX_PUBLISHED_TRACKS} tracks`);
    return { ok: true, value: undefined };
  }

  /** After the SFU accepted a push: those tracks (the ones without an error) may be pulled by the others. */
  published(userId: string, sessionId: string, tracks: readonly { trackName: string; mid?: string | null; kind: TrackKind; errorCode?: string }[]): void {
    // The publisher may have left (or opened a new session) while the SFU answered: nothing of theirs is kept then.
    if (this.#sessionOwner.get(sessionId) !== userId) return;
    for (const track of tracks) {
      if (track.errorCode || !track.mid) continue;
      this.#published.set(`${sessionId}/${track.trackName}`, { userId, sessionId, trackName: track.trackName, kind: track.kind, mid: track.mid });
    }
  }

  /** Pulling: into one's own session, only tracks a current participant published from that session. */
  authorisePull(userId: string, sessionId: string, tracks: readonly SfuTrack[]): Result<void> {
    const own = this.authoriseOwnSession(userId, sessionId);
    if (!own.ok) return own;
    for (const track of tracks) {
      const publication = track.location === "remote" && track.sessionId ? this.#published.get(`${track.sessionId}/${track.trackName}`) : undefined;
      if (!publication || !this.inCall(publication.userId)) return refusal(403, "forbidden", `Track ${track.trackName} is not published in this call`);
    }
    return { ok: true, value: undefined };
  }

  /** Tracks the participant closed on their own session are no longer published. */
  closed(sessionId: string, mids: readonly string[]): void {
    for (const [key, publication] of this.#published) if (publication.sessionId === sessionId && mids.includes(publication.mid)) this.#published.delete(key);
  }

  /** The participant left: their sessions and publications are gone; the answer names the tracks to close at the SFU. */
  participantLeft(userId: string): Retired[] {
    return this.#forget(userId);
  }

  /** What everyone in the call may pull now, publishers in the call only. */
  publications(): Publication[] {
    return [...this.#published.values()].filter((publication) => this.inCall(publication.userId));
  }

  /** Everyone with a session (the call ending retires them all). */
  participants(): string[] {
    return [...new Set(this.#sessionOwner.values())];
  }

  snapshot(): SfuGateSnapshot {
    return {
      sessions: [...this.#sessionOwner].map(([sessionId, userId]) => ({ sessionId, userId })),
      published: [...this.#published.values()],
    };
  }

  #forget(userId: string): Retired[] {
    const retired = new Map<string, string[]>();
    for (const [key, publication] of this.#published) {
      if (publication.userId !== userId) continue;
      this.#published.delete(key);
      retired.set(publication.sessionId, [...(retired.get(publication.sessionId) ?? []), publication.mid]);
    }
    for (const [sessionId, owner] of this.#sessionOwner) if (owner === userId) this.#sessionOwner.delete(sessionId);
    return [...retired].map(([sessionId, mids]) => ({ sessionId, mids }));
  }
}
