import { ApiError } from "../../http/errors";
import { logEvent } from "../../observability/log";
import { errorFrame } from "../../realtime/socket-kit";
import type { Sfu, SfuTrack } from "./sfu";
import type { SfuClientFrame, SfuServerFrame } from "./sfu-frames";
import type { Retired, SfuGate } from "./sfu-gate";

/** What one SFU frame came to: the answer for its sender, and whether the call's publications changed. */
export interface SfuOutcome {
  reply: string;
  publicationsChanged: boolean;
  /** `refused` by the gate (the SFU never saw it), `failed` at the SFU, else `ok` (metrics). */
  result: "ok" | "refused" | "failed";
}

const answer = (frame: SfuServerFrame): string => JSON.stringify(frame);

/**
 * Forwards one participant's SFU frame to the SFU once `gate` allows it, and answers it. Nothing
 * the gate refuses reaches the SFU; the SFU's failures (`sfu_unavailable`) and the gate's refusals
 * come back as an `error` frame carrying the request's `id`, never as a thrown error.
 */
export async function forwardSfuFrame(sfu: Sfu, gate: SfuGate, userId: string, frame: SfuClientFrame): Promise<SfuOutcome> {
  const refused = (code: Parameters<typeof errorFrame>[0], detail: string, result: SfuOutcome["result"] = "refused"): SfuOutcome => ({
    reply: errorFrame(code, detail, { id: frame.id }),
    publicationsChanged: false,
    result,
  });
  try {
    switch (frame.type) {
      case "sfu.session.new": {
        const allowed = gate.authoriseNewSession(userId);
        if (!allowed.ok) return refused(allowed.code, allowed.detail);
        const created = await sfu.newSession();
        const retired = gate.sessionCreated(userId, created.sessionId);
        await closeRetired(sfu, retired);
        return { reply: answer({ type: "sfu.session", id: frame.id, sessionId: created.sessionId }), publicationsChanged: retired.length > 0, result: "ok" };
      }
      case "sfu.tracks.push": {
        const tracks: SfuTrack[] = frame.tracks.map((track) => ({ location: "local", trackName: track.trackName, mid: track.mid }));
        const allowed = gate.authorisePush(userId, frame.sessionId, tracks);
        if (!allowed.ok) return refused(allowed.code, allowed.detail);
        const pushed = await sfu.addTracks(frame.sessionId, { sessionDescription: { type: "offer", sdp: frame.offer }, tracks });
        const kinds = new Map(frame.tracks.map((track) => [track.trackName, track.kind]));
        // The SFU answers each track; one it refused carries its errorCode and is not published.
        const answered = frame.tracks.map((sent) => {
          const got = pushed.tracks.find((track) => track.trackName === sent.trackName);
          return {
            trackName: sent.trackName,
            mid: got?.mid ?? sent.mid,
            kind: kinds.get(sent.trackName) ?? sent.kind,
            errorCode: got?.errorCode,
            errorDescription: got?.errorDescription,
          };
        });
        gate.published(userId, frame.sessionId, answered);
        return {
          reply: answer({
            type: "sfu.tracks.pushed",
            id: frame.id,
            answer: pushed.sessionDescription?.sdp ?? null,
            tracks: answered.map(({ kind: _kind, ...track }) => track),
          }),
          publicationsChanged: answered.some((track) => !track.errorCode),
          result: "ok",
        };
      }
      case "sfu.tracks.pull": {
        const tracks: SfuTrack[] = frame.tracks.map((track) => ({
          location: "remote",
          sessionId: track.sessionId,
          trackName: track.trackName,
          ...(track.simulcast ? { simulcast: track.simulcast } : {}),
        }));
        const allowed = gate.authorisePull(userId, frame.sessionId, tracks);
        if (!allowed.ok) return refused(allowed.code, allowed.detail);
        const pulled = await sfu.addTracks(frame.sessionId, { tracks });
        return {
          reply: answer({
            type: "sfu.tracks.pulled",
            id: frame.id,
            offer: pulled.sessionDescription?.sdp ?? null,
            requiresImmediateRenegotiation: pulled.requiresImmediateRenegotiation,
            tracks: pulled.tracks.map((track) => ({
              sessionId: track.sessionId ?? "",
              trackName: track.trackName,
              mid: track.mid ?? null,
              errorCode: track.errorCode,
              errorDescription: track.errorDescription,
            })),
          }),
          publicationsChanged: false,
          result: "ok",
        };
      }
      case "sfu.renegotiate": {
        const allowed = gate.authoriseOwnSession(userId, frame.sessionId);
        if (!allowed.ok) return refused(allowed.code, allowed.detail);
        await sfu.renegotiate(frame.sessionId, { type: "answer", sdp: frame.answer });
        return { reply: answer({ type: "sfu.renegotiated", id: frame.id }), publicationsChanged: false, result: "ok" };
      }
      case "sfu.tracks.close": {
        const allowed = gate.authoriseOwnSession(userId, frame.sessionId);
        if (!allowed.ok) return refused(allowed.code, allowed.detail);
        const closed = await sfu.closeTracks(frame.sessionId, {
          mids: frame.mids,
          sessionDescription: frame.offer ? { type: "offer", sdp: frame.offer } : undefined,
          force: !frame.offer,
        });
        const before = gate.publications().length;
        gate.closed(frame.sessionId, frame.mids);
        return {
          reply: answer({ type: "sfu.tracks.closed", id: frame.id, answer: closed.sessionDescription?.sdp ?? null, mids: frame.mids }),
          publicationsChanged: gate.publications().length !== before,
          result: "ok",
        };
      }
    }
  } catch (error) {
    if (error instanceof ApiError) return refused(error.code, error.detail ?? error.code, "failed");
    logEvent("error", "SFU frame failed", { type: frame.type, error: String(error) });
    return refused("internal_error", "The media server request failed; retry it", "failed");
  }
}

/** Closes tracks whose publisher left or replaced their session; the SFU failing here only leaves tracks that time out with their session. */
export async function closeRetired(sfu: Sfu, retired: readonly Retired[]): Promise<void> {
  const results = await Promise.allSettled(retired.map(({ sessionId, mids }) => sfu.closeTracks(sessionId, { mids, force: true })));
  const failed = results.filter((result) => result.status === "rejected").length;
  if (failed > 0) logEvent("warn", "closing a departed participant's SFU tracks failed", { failed });
}
