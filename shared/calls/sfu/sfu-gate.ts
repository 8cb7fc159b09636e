import { type Result, refusal } from "../../platform/result";
import type { SfuTrack } from "./sfu";

/**
 * The CallRoom's authority over SFU operations. SFU session ids and track names are not secrets
 * (clients see them to pull), so anyone holding them could close or pull another's tracks if the
 * platform forwarded requests blindly: every operation is checked here first. A participant acts
 * only on their own sessions; they publish only tracks named for themselves; they pull only tracks
 * that someone in the call now published, from the session that published them. Leaving the call
 * forgets a participant's sessions and publications, so nobody pulls them afterwards.
 */
export class SfuGate {
  readonly #sessionOwner = new Map<string, string>();
  /** `sessionId/trackName` -> publisher. */
  readonly #published = new Map<string, string>();

  constructor(private readonly inCall: (userId: string) => boolean) {}

  /** A session the SFU just created for `userId`. */
  sessionCreated(userId: string, sessionId: string): void {
    this.#sessionOwner.set(sessionId, userId);
  }

  /** Renegotiate or close: only on one's own session, while in the call. */
  authoriseOwnSession(userId: string, sessionId: string): Result<void> {
    if (!this.inCall(userId)) return refusal(403, "forbidden", "Only participants of the call use its media server");
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
    return { ok: true, value: undefined };
  }

  /** After the SFU accepted a push: those tracks may be pulled by the others. */
  published(userId: string, sessionId: string, tracks: readonly SfuTrack[]): void {
    for (const track of tracks) if (!track.errorCode) this.#published.set(`${sessionId}/${track.trackName}`, userId);
  }

  /** Pulling: into one's own session, only tracks a current participant published from that session. */
  authorisePull(userId: string, sessionId: string, tracks: readonly SfuTrack[]): Result<void> {
    const own = this.authoriseOwnSession(userId, sessionId);
    if (!own.ok) return own;
    for (const track of tracks) {
      const publisher = track.location === "remote" && track.sessionId ? this.#published.get(`${track.sessionId}/${track.trackName}`) : undefined;
      if (!publisher || !this.inCall(publisher)) return refusal(403, "forbidden", `Track ${track.trackName} is not published in this call`);
    }
    return { ok: true, value: undefined };
  }

  /** The participant left: their sessions and publications are gone. */
  participantLeft(userId: string): void {
    for (const [sessionId, owner] of this.#sessionOwner) if (owner === userId) this.#sessionOwner.delete(sessionId);
    for (const [key, publisher] of this.#published) if (publisher === userId) this.#published.delete(key);
  }
}
