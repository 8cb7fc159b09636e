import { describe, expect, it } from "vitest";
import { ENDED_SESSION_MEMORY_MS, type SessionStanding, SessionStandings } from "../../shared/realtime/session-standings";

const alice: SessionStanding = { userId: "alice", role: "moderator" };

function counting(answer: () => SessionStanding | null) {
  let reads = 0;
  const loader = async () => {
    reads++;
    await new Promise((r) => setTimeout(r, 5));
    return answer();
  };
  return { loader, reads: () => reads };
}

describe("SessionStandings (per-frame session check)", () => {
  it("answers from memory until the recheck interval, then reads once", async () => {
    let standing: SessionStanding | null = alice;
    const source = counting(() => standing);
    const standings = new SessionStandings(source.loader, 30_000);
    standings.trust("s1", alice, 0);
    expect(standings.current("alice", "s1", 29_999)).toEqual(alice);
    expect(source.reads()).toBe(0);
    standing = null;
    expect(await standings.current("alice", "s1", 30_000)).toBeNull();
    expect(source.reads()).toBe(1);
    expect(standings.current("alice", "s1", 30_001)).toBeNull();
  });

  it("concurrent frames of one session share one read", async () => {
    const source = counting(() => alice);
    const standings = new SessionStandings(source.loader, 30_000);
    const results = await Promise.all([standings.current("alice", "s1", 0), standings.current("alice", "s1", 0), standings.current("alice", "s1", 0)]);
    expect(results).toEqual([alice, alice, alice]);
    expect(source.reads()).toBe(1);
  });

  it("an ended session is refused at once, whatever was cached, and cannot be trusted again", () => {
    const standings = new SessionStandings(counting(() => alice).loader, 30_000);
    standings.trust("s1", alice, 0);
    standings.end(["s1"], 1);
    expect(standings.current("alice", "s1", 1)).toBeNull();
    standings.trust("s1", alice, 2);
    expect(standings.peek("s1", 3)).toBeNull();
  });

  it("forgetting a user makes their next frame read the role again", async () => {
    let role: SessionStanding["role"] = "moderator";
    const source = counting(() => ({ userId: "alice", role }));
    const standings = new SessionStandings(source.loader, 30_000);
    standings.trust("s1", alice, 0);
    role = "user";
    standings.forgetUser("alice");
    expect(await standings.current("alice", "s1", 1)).toEqual({ userId: "alice", role: "user" });
  });

  it("a session of another user is refused", async () => {
    const standings = new SessionStandings(counting(() => ({ userId: "mallory", role: "user" })).loader, 30_000);
    expect(await standings.current("alice", "s1", 0)).toBeNull();
  });

  it("holds only recent sessions while the object lives (answers past the recheck and ended sessions past their memory are dropped)", () => {
    const standings = new SessionStandings(counting(() => alice).loader, 30_000);
    for (let minute = 0; minute < 60; minute++) {
      const now = minute * 60_000;
      for (let i = 0; i < 100; i++) standings.trust(`s${minute}-${i}`, alice, now);
      standings.end([`s${minute}-0`], now);
    }
    // The last minute's 99 live answers and the ended sessions of the last 10 minutes remain.
    expect(standings.size).toBe(99 + ENDED_SESSION_MEMORY_MS / 60_000);
    expect(standings.peek("s59-0", 59 * 60_000)).toBeNull();
    expect(standings.peek("s59-1", 59 * 60_000)).toEqual(alice);
  });
});
