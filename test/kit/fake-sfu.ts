import { vi } from "vitest";

/**
 * Cloudflare Realtime SFU's HTTPS contract, faked in memory (`fetch`): sessions, pushing local
 * tracks with an offer (answered), pulling remote tracks (answered with an offer to renegotiate),
 * renegotiation and closing tracks, with the App Secret as bearer. Errors answer as the SFU does,
 * `{errorCode, errorDescription}`. It checks the shapes the platform sends, not media.
 */
const OFFER_SDP_PREFIX = "v=0";
const ANSWER_SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

interface FakeSession {
  /** trackName -> mid, the tracks this session publishes. */
  published: Map<string, string>;
  /** mid -> the pulled track, with the simulcast layer asked for. */
  pulled: Map<string, { sessionId: string; trackName: string; preferredRid?: string }>;
  awaitingAnswer: boolean;
}

export class FakeSfu {
  readonly sessions = new Map<string, FakeSession>();
  readonly requests: { method: string; path: string; body: any }[] = [];
  #mids = 0;

  constructor(
    readonly appId: string,
    readonly appSecret: string,
  ) {}

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body: any = request.method === "GET" || !request.headers.get("content-type") ? null : await request.json().catch(() => "unreadable");
    this.requests.push({ method: request.method, path: url.pathname, body });
    if (request.headers.get("authorization") !== `Bearer ${this.appSecret}`) return this.#error(401, "unauthorized", "bad app secret");
    const match = /^\/v1\/apps\/([^/]+)\/sessions\/(new|[^/]+)(\/.*)?$/.exec(url.pathname);
    if (!match || match[1] !== this.appId) return this.#error(404, "not_found", "no such app");
    if (body === "unreadable") return this.#error(400, "invalid_request_body", "not JSON");
    if (match[2] === "new" && request.method === "POST") return this.#newSession(body);
    const session = this.sessions.get(match[2]!);
    if (!session) return this.#error(404, "session_not_found", "no such session");
    if (match[3] === "/tracks/new" && request.method === "POST") return this.#tracksNew(session, body);
    if (match[3] === "/renegotiate" && request.method === "PUT") {
      if (body?.sessionDescription?.type !== "answer" || !session.awaitingAnswer) return this.#error(400, "invalid_request_body", "no renegotiation pending");
      session.awaitingAnswer = false;
      return Response.json({});
    }
    if (match[3] === "/tracks/close" && request.method === "PUT") {
      const mids = new Set<string>((body?.tracks ?? []).map((t: { mid: string }) => t.mid));
      for (const [name, mid] of session.published) if (mids.has(mid)) session.published.delete(name);
      for (const mid of mids) session.pulled.delete(mid);
      return Response.json({ requiresImmediateRenegotiation: false, tracks: [...mids].map((mid) => ({ mid })) });
    }
    return this.#error(404, "not_found", "no such operation");
  };

  #newSession(body: any): Response {
    const sessionId = crypto.randomUUID().replace(/-/g, "");
    this.sessions.set(sessionId, { published: new Map(), pulled: new Map(), awaitingAnswer: false });
    return Response.json(body?.sessionDescription ? { sessionId, sessionDescription: { type: "answer", sdp: ANSWER_SDP } } : { sessionId });
  }

  #tracksNew(session: FakeSession, body: any): Response {
    const tracks = Array.isArray(body?.tracks) ? (body.tracks as any[]) : null;
    if (!tracks || tracks.length === 0 || tracks.length > 64) return this.#error(400, "invalid_request_body", "1 to 64 tracks");
    const local = tracks.every((t) => t.location === "local");
    const remote = tracks.every((t) => t.location === "remote");
    if (local) {
      if (body.sessionDescription?.type !== "offer" || !String(body.sessionDescription.sdp).startsWith(OFFER_SDP_PREFIX)) {
        return this.#error(400, "invalid_request_body", "pushing needs an offer");
      }
      for (const track of tracks) session.published.set(track.trackName, track.mid);
      return Response.json({ requiresImmediateRenegotiation: false, sessionDescription: { type: "answer", sdp: ANSWER_SDP }, tracks });
    }
    if (!remote) return this.#error(400, "invalid_request_body", "one direction per request");
    const badRid = tracks.find((t) => t.simulcast !== undefined && (typeof t.simulcast?.preferredRid !== "string" || t.simulcast.preferredRid === ""));
    if (badRid) return this.#error(400, "invalid_request_body", "simulcast.preferredRid must be a non-empty string");
    const answered = tracks.map((track) => {
      const from = this.sessions.get(track.sessionId);
      if (!from?.published.has(track.trackName)) return { ...track, errorCode: "not_found", errorDescription: "track not found" };
      const mid = String(++this.#mids);
      session.pulled.set(mid, { sessionId: track.sessionId, trackName: track.trackName, preferredRid: track.simulcast?.preferredRid });
      return { ...track, mid };
    });
    session.awaitingAnswer = true;
    return Response.json({ requiresImmediateRenegotiation: true, sessionDescription: { type: "offer", sdp: ANSWER_SDP }, tracks: answered });
  }

  #error(status: number, errorCode: string, errorDescription: string): Response {
    return Response.json({ errorCode, errorDescription }, { status });
  }
}

/** Routes the Worker's requests under `baseUrl` (the CLOUDFLARE_REALTIME_BASE_URL of the test runtime) to a new fake SFU. */
export function installFakeSfu(baseUrl: string, appId: string, appSecret: string): FakeSfu {
  const fake = new FakeSfu(appId, appSecret);
  const previous = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(baseUrl) ? fake.fetch(input, init) : previous(input, init);
  });
  return fake;
}
