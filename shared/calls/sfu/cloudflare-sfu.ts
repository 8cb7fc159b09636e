import { ApiError } from "../../http/errors";
import type { SessionDescription, Sfu, SfuTrack, TracksAnswer } from "./sfu";

export const CLOUDFLARE_SFU_BASE = "https://rtc.live.cloudflare.com/v1";

interface CloudflareSfuOptions {
  appId: string;
  /** The SFU app's secret: a bearer on every request, never sent to clients. */
  appSecret: string;
  fetch: typeof fetch;
  baseUrl?: string;
}

interface WireAnswer {
  sessionId?: string;
  sessionDescription?: SessionDescription;
  requiresImmediateRenegotiation?: boolean;
  tracks?: SfuTrack[];
  errorCode?: string;
  errorDescription?: string;
}

/**
 * Cloudflare Realtime SFU over its HTTPS API (needs an SFU app on a Cloudflare account: its App
 * ID and App Secret). A failure, an error answer or an unreadable body is `503 sfu_unavailable`;
 * the SFU's own errors on single tracks come back in `tracks[].errorCode`.
 */
export function cloudflareSfu(options: CloudflareSfuOptions): Sfu {
  const base = `${options.baseUrl ?? CLOUDFLARE_SFU_BASE}/apps/${encodeURIComponent(options.appId)}`;

  async function call(method: "POST" | "PUT", path: string, body?: unknown): Promise<WireAnswer> {
    let response: Response;
    try {
      response = await options.fetch(`${base}${path}`, {
        method,
        headers:
          body === undefined
            ? { authorization: `Bearer ${options.appSecret}` }
            : { authorization: `Bearer ${options.appSecret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(503, "sfu_unavailable", `The media server could not be reached: ${String(error)}`);
    }
    const answer = (await response.json().catch(() => null)) as WireAnswer | null;
    if (!response.ok || !answer || answer.errorCode) {
      throw new ApiError(503, "sfu_unavailable", `The media server refused: ${answer?.errorCode ?? response.status} ${answer?.errorDescription ?? ""}`.trim());
    }
    return answer;
  }

  const tracksAnswer = (answer: WireAnswer): TracksAnswer => ({
    sessionDescription: answer.sessionDescription ?? null,
    requiresImmediateRenegotiation: answer.requiresImmediateRenegotiation ?? false,
    tracks: answer.tracks ?? [],
  });

  return {
    async newSession(offer) {
      const answer = await call("POST", "/sessions/new", offer ? { sessionDescription: offer } : undefined);
      if (!answer.sessionId) throw new ApiError(503, "sfu_unavailable", "The media server answered without a session id");
      return { sessionId: answer.sessionId, sessionDescription: answer.sessionDescription ?? null };
    },
    async addTracks(sessionId, request) {
      return tracksAnswer(await call("POST", `/sessions/${encodeURIComponent(sessionId)}/tracks/new`, request));
    },
    async renegotiate(sessionId, answer) {
      await call("PUT", `/sessions/${encodeURIComponent(sessionId)}/renegotiate`, { sessionDescription: answer });
    },
    async closeTracks(sessionId, request) {
      const body = { tracks: request.mids.map((mid) => ({ mid })), sessionDescription: request.sessionDescription, force: request.force };
      return tracksAnswer(await call("PUT", `/sessions/${encodeURIComponent(sessionId)}/tracks/close`, body));
    },
  };
}
