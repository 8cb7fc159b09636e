import { describe, expect, it } from "vitest";
import { GroupRoster } from "../../shared/calls/group-roster";

const media = { audio: true, video: true };

describe("GroupRoster", () => {
  it("joins up to the cap and refuses the next one; someone already in joins again unchanged", () => {
    const roster = new GroupRoster(2);
    expect(roster.join("a", "Ann", 1, media)).toMatchObject({ ok: true, already: false });
    expect(roster.join("b", "Bo", 2, media)).toMatchObject({ ok: true, already: false });
    expect(roster.join("c", "Cy", 3, media)).toEqual({ ok: false, reason: "full" });
    expect(roster.join("a", "Ann", 4, media)).toMatchObject({ ok: true, already: true, entry: { joinedAt: 1 } });
    expect(roster.entries().map((e) => e.userId)).toEqual(["a", "b"]);
  });

  it("keeps one stretch per join, closed on leave, and survives a snapshot", () => {
    const roster = new GroupRoster(4);
    roster.join("a", "Ann", 10, media);
    roster.join("b", "Bo", 20, media);
    expect(roster.leave("b", 30)).toBe(true);
    expect(roster.leave("b", 31)).toBe(false);
    roster.join("b", "Bo", 40, media);
    const restored = new GroupRoster(4, roster.snapshot());
    restored.leaveAll(50);
    expect(restored.size).toBe(0);
    expect(restored.everJoined).toBe(true);
    expect(restored.stretches()).toEqual([
      { userId: "a", joinedAt: 10, leftAt: 50 },
      { userId: "b", joinedAt: 20, leftAt: 30 },
      { userId: "b", joinedAt: 40, leftAt: 50 },
    ]);
  });

  it("changes media state only for someone in the call, and says whether it changed", () => {
    const roster = new GroupRoster(4);
    roster.join("a", "Ann", 1, media);
    expect(roster.setMedia("a", { audio: false, video: true })).toBe(true);
    expect(roster.setMedia("a", { audio: false, video: true })).toBe(false);
    expect(roster.setMedia("zed", { audio: false, video: false })).toBe(false);
    expect(roster.entries()[0]).toMatchObject({ audio: false, video: true });
    expect(new GroupRoster(4).everJoined).toBe(false);
  });
});
