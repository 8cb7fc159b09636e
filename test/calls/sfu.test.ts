import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/http/errors";
import { cloudflareSfu } from "../../shared/calls/sfu/cloudflare-sfu";
import type { SfuTrack } from "../../shared/calls/sfu/sfu";
import { MAX_PUBLISHED_TRACKS, SfuGate } from "../../shared/calls/sfu/sfu-gate";
import { FakeSfu } from "../kit/fake-sfu";

const OFFER = { type: "offer" as const, sdp: "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" };
const ANSWER = { type: "answer" as const, sdp: OFFER.sdp };

function setup() {
  const fake = new FakeSfu("app-1", "secret-1");
  const sfu = cloudflareSfu({ appId: "app-1", appSecret: "secret-1", fetch: fake.fetch, baseUrl: "https://rtc.live.cloudflare.com/v1" });
  return { fake, sfu };
}

describe("cloudflareSfu against the fake SFU", () => {
  it("creates sessions, pushes with an offer, pulls into another session and renegotiates, closes", async () => {
    const { fake, sfu } = setup();
    const publisher = await sfu.newSession();
    const viewer = await sfu.newSession();
    const pushed = await sfu.addTracks(publisher.sessionId, {
      sessionDescription: OFFER,
      tracks: [
        { location: "local", trackName: "ann/audio", mid: "0" },
        { location: "local", trackName: "ann/video", mid: "1" },
      ],
    });
    expect(pushed.sessionDescription?.type).toBe("answer");
    const pulled = await sfu.addTracks(viewer.sessionId, {
      tracks: [{ location: "remote", sessionId: publisher.sessionId, trackName: "ann/video" }],
    });
    expect(pulled.requiresImmediateRenegotiation).toBe(true);
    expect(pulled.sessionDescription?.type).toBe("offer");
    expect(pulled.tracks[0]?.mid).toBeTruthy();
    await sfu.renegotiate(viewer.sessionId, ANSWER);
    await sfu.closeTracks(publisher.sessionId, { mids: ["1"], force: false });
    expect(fake.sessions.get(publisher.sessionId)?.published.has("ann/video")).toBe(false);
    // The documented paths and methods, with the App Secret as bearer.
    expect(fake.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}/g, ":session")}`)).toEqual([
      "POST /v1/apps/app-1/sessions/new",
      "POST /v1/apps/app-1/sessions/new",
      "POST /v1/apps/app-1/sessions/:session/tracks/new",
      "POST /v1/apps/app-1/sessions/:session/tracks/new",
      "PUT /v1/apps/app-1/sessions/:session/renegotiate",
      "PUT /v1/apps/app-1/sessions/:session/tracks/close",
    ]);
  });

  it("reports a track the SFU cannot find on the track, and a refused request as 503 sfu_unavailable", async () => {
    const { sfu } = setup();
    const viewer = await sfu.newSession();
    const pulled = await sfu.addTracks(viewer.sessionId, { tracks: [{ location: "remote", sessionId: "nobody", trackName: "x/audio" }] });
    expect(pulled.tracks[0]?.errorCode).toBe("not_found");
    await expect(sfu.renegotiate("no-such-session", ANSWER)).rejects.toMatchObject({ status: 503, code: "sfu_unavailable" });
    const wrongSecret = cloudflareSfu({ appId: "app-1", appSecret: "leaked-guess", fetch: new FakeSfu("app-1", "secret-1").fetch });
    await expect(wrongSecret.newSession()).rejects.toBeInstanceOf(ApiError);
    const down = cloudflareSfu({ appId: "app-1", appSecret: "secret-1", fetch: async () => Promise.reject(new TypeError("network down")) });
    await expect(down.newSession()).rejects.toMatchObject({ status: 503, code: "sfu_unavailable" });
  });
});

describe("SfuGate: the CallRoom authorises every SFU operation", () => {
  const roster = new Set(["ann", "bob", "cy"]);
  const gate = () => new SfuGate((userId) => roster.has(userId));
  const local = (trackName: string) => ({ location: "local" as const, trackName, mid: "0", kind: "audio" as const });
  const remote = (sessionId: string, trackName: string): SfuTrack => ({ location: "remote", sessionId, trackName });

  it("lets a participant publish only tracks named for them, on their own session", () => {
    const g = gate();
    g.sessionCreated("ann", "s-ann");
    expect(g.authorisePush("ann", "s-ann", [local("ann/audio")]).ok).toBe(true);
    expect(g.authorisePush("ann", "s-ann", [local("bob/audio")])).toMatchObject({ ok: false, status: 403 });
    expect(g.authorisePush("bob", "s-ann", [local("bob/audio")])).toMatchObject({ ok: false, status: 403 });
    expect(g.authorisePush("zed", "s-zed", [local("zed/audio")])).toMatchObject({ ok: false, status: 403 });
    expect(g.authorisePush("ann", "s-ann", [remote("s-bob", "bob/audio")])).toMatchObject({ ok: false, status: 400 });
  });

  it("lets a participant pull only what a current participant published, and act only on their own session", () => {
    const g = gate();
    g.sessionCreated("ann", "s-ann");
    g.sessionCreated("bob", "s-bob");
    g.published("ann", "s-ann", [local("ann/audio")]);
    expect(g.authorisePull("bob", "s-bob", [remote("s-ann", "ann/audio")]).ok).toBe(true);
    // Not published, published elsewhere, or into someone else's session.
    expect(g.authorisePull("bob", "s-bob", [remote("s-ann", "ann/video")]).ok).toBe(false);
    expect(g.authorisePull("bob", "s-bob", [remote("s-bob", "ann/audio")]).ok).toBe(false);
    expect(g.authorisePull("bob", "s-ann", [remote("s-ann", "ann/audio")]).ok).toBe(false);
    expect(g.authoriseOwnSession("bob", "s-ann").ok).toBe(false);
    expect(g.authoriseOwnSession("ann", "s-ann").ok).toBe(true);
    // Ann leaves: her tracks and session are nobody's to pull or close.
    g.participantLeft("ann");
    expect(g.authorisePull("bob", "s-bob", [remote("s-ann", "ann/audio")]).ok).toBe(false);
    expect(g.authoriseOwnSession("ann", "s-ann").ok).toBe(false);
  });

  it("refuses a publisher who is no longer in the call even before they are forgotten", () => {
    const inCall = new Set(["ann", "bob"]);
    const g = new SfuGate((userId) => inCall.has(userId));
    g.sessionCreated("ann", "s-ann");
    g.sessionCreated("bob", "s-bob");
    g.published("ann", "s-ann", [local("ann/audio")]);
    inCall.delete("ann");
    expect(g.authorisePull("bob", "s-bob", [remote("s-ann", "ann/audio")]).ok).toBe(false);
  });

  it("keeps its sessions and publications across a snapshot (the room hibernates) and names what a leaver leaves to close", () => {
    const g = gate();
    g.sessionCreated("ann", "s-ann");
    g.published("ann", "s-ann", [
      { ...local("ann/audio"), mid: "0" },
      { ...local("ann/video"), mid: "1", kind: "video" },
    ]);
    const restored = new SfuGate((userId) => roster.has(userId), JSON.parse(JSON.stringify(g.snapshot())));
    expect(restored.publications().map((p) => [p.trackName, p.kind, p.mid])).toEqual([
      ["ann/audio", "audio", "0"],
      ["ann/video", "video", "1"],
    ]);
    expect(restored.authoriseOwnSession("ann", "s-ann").ok).toBe(true);
    expect(restored.participantLeft("ann")).toEqual([{ sessionId: "s-ann", mids: ["0", "1"] }]);
    expect(restored.publications()).toEqual([]);
  });

  it("retires a participant's earlier session when they open a new one, and forgets closed tracks", () => {
    const g = gate();
    g.sessionCreated("bob", "s-1");
    g.published("bob", "s-1", [{ ...local("bob/audio"), mid: "3" }]);
    expect(g.sessionCreated("bob", "s-2")).toEqual([{ sessionId: "s-1", mids: ["3"] }]);
    expect(g.authoriseOwnSession("bob", "s-1").ok).toBe(false);
    g.published("bob", "s-2", [
      { ...local("bob/audio"), mid: "0" },
      { ...local("bob/video"), mid: "1", kind: "video" },
    ]);
    g.closed("s-2", ["1"]);
    expect(g.publications().map((p) => p.trackName)).toEqual(["bob/audio"]);
    // A push the SFU answered after its session was retired publishes nothing.
    g.published("bob", "s-1", [{ ...local("bob/late"), mid: "9" }]);
    expect(g.publications().map((p) => p.trackName)).toEqual(["bob/audio"]);
  });

  it("lets a participant publish at most MAX_PUBLISHED_TRACKS tracks; republishing a name does not count twice", () => {
    const g = gate();
    g.sessionCreated("ann", "s-ann");
    const tracks = Array.from({ length: MAX_PUBLISHED_TRACKS }, (_, i) => ({ ...local(`ann/t${i}`), mid: String(i) }));
    expect(g.authorisePush("ann", "s-ann", tracks).ok).toBe(true);
    g.published("ann", "s-ann", tracks);
    expect(g.authorisePush("ann", "s-ann", [local("ann/t0")]).ok).toBe(true);
    expect(g.authorisePush("ann", "s-ann", [local("ann/one-more")])).toMatchObject({ ok: false, status: 403 });
  });

  it("lets only participants open a session", () => {
    expect(gate().authoriseNewSession("zed")).toMatchObject({ ok: false, status: 403 });
    expect(gate().authoriseNewSession("cy").ok).toBe(true);
  });
});
