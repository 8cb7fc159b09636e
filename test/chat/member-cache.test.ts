import { describe, expect, it } from "vitest";
import { MemberCache } from "../../shared/chat/member-cache";

/** A member lookup that answers from `members` and counts its questions. */
function lookup(members: Set<string>) {
  const asked: string[] = [];
  const ask = async (userId: string) => {
    asked.push(userId);
    return members.has(userId);
  };
  return { asked, ask };
}

describe("MemberCache (a room's membership answers)", () => {
  it("asks once per user, members and outsiders alike", async () => {
    const d1 = lookup(new Set(["ann"]));
    const cache = new MemberCache(d1.ask);
    expect(await cache.isMember("ann")).toBe(true);
    expect(await cache.isMember("ann")).toBe(true);
    expect(await cache.isMember("eve")).toBe(false);
    expect(await cache.isMember("eve")).toBe(false);
    expect(d1.asked).toEqual(["ann", "eve"]);
    expect(cache.size).toBe(2);
  });

  it("asks again after forget (the members changed) and after clear", async () => {
    const members = new Set(["ann"]);
    const d1 = lookup(members);
    const cache = new MemberCache(d1.ask);
    expect(await cache.isMember("ann")).toBe(true);
    members.delete("ann");
    expect(await cache.isMember("ann")).toBe(true);
    cache.forget("ann");
    expect(await cache.isMember("ann")).toBe(false);
    members.add("ann");
    cache.clear();
    expect(cache.size).toBe(0);
    expect(await cache.isMember("ann")).toBe(true);
    expect(d1.asked).toEqual(["ann", "ann", "ann"]);
  });

  it("keeps at most `max` answers, dropping the oldest", async () => {
    const d1 = lookup(new Set(["a", "b", "c"]));
    const cache = new MemberCache(d1.ask, 2);
    await cache.isMember("a");
    await cache.isMember("b");
    await cache.isMember("c");
    expect(cache.size).toBe(2);
    await cache.isMember("b");
    await cache.isMember("c");
    expect(d1.asked).toEqual(["a", "b", "c"]);
    await cache.isMember("a");
    expect(d1.asked).toEqual(["a", "b", "c", "a"]);
  });
});
