import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type CallDeadline, CallDeadlines, type DeadlineStorage } from "../../shared/calls/call-deadlines";

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, date: () => new Date(now), set: (at: number) => void (now = at) };
}

/** Storage in memory that records the alarm, as a Durable Object's would hold it. */
function memoryStorage() {
  const values = new Map<string, unknown>();
  const state = { alarm: null as number | null, alarmWrites: 0 };
  const storage: DeadlineStorage = {
    list: async <T>({ prefix }: { prefix: string }) =>
      new Map([...values].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1))) as Map<string, T>,
    put: async (key, value) => void values.set(key, value),
    delete: async (keys) => keys.filter((key) => values.delete(key)).length,
    setAlarm: async (at) => {
      state.alarm = at;
      state.alarmWrites++;
    },
    deleteAlarm: async () => {
      state.alarm = null;
      state.alarmWrites++;
    },
  };
  return { storage, state, values };
}

describe("CallDeadlines (several named deadlines on one alarm)", () => {
  it("keeps the alarm at the earliest deadline as they are scheduled, moved and cancelled", async () => {
    const clock = manualClock();
    const { storage, state } = memoryStorage();
    const deadlines = new CallDeadlines(storage, clock);
    expect(await deadlines.next()).toBeNull();

    await deadlines.schedule("ring", 45_000);
    expect(state.alarm).toBe(45_000);
    await deadlines.schedule("sync", 5_000);
    expect(state.alarm).toBe(5_000);
    await deadlines.schedule("sync", 60_000);
    expect([state.alarm, await deadlines.next(), await deadlines.at("sync")]).toEqual([45_000, 45_000, 60_000]);

    await deadlines.cancel("ring");
    expect(state.alarm).toBe(60_000);
    await deadlines.cancel("ring", "abandoned");
    expect(await deadlines.at("ring")).toBeUndefined();
    await deadlines.cancel("sync");
    expect([state.alarm, await deadlines.next()]).toEqual([null, null]);
  });

  it("cancelling what is not set touches neither storage nor the alarm", async () => {
    const { storage, state } = memoryStorage();
    const deadlines = new CallDeadlines(storage, manualClock());
    await deadlines.cancel("ring", "abandoned", "sync");
    expect(state.alarmWrites).toBe(0);
  });

  it("says which deadlines have come, earliest first, and keeps them until they are handled", async () => {
    const clock = manualClock(0);
    const { storage, state } = memoryStorage();
    const deadlines = new CallDeadlines(storage, clock);
    await deadlines.schedule("abandoned", 200);
    await deadlines.schedule("ring", 100);
    await deadlines.schedule("sync", 300);

    clock.set(99);
    expect(await deadlines.due()).toEqual([]);
    clock.set(200);
    expect(await deadlines.due()).toEqual<CallDeadline[]>(["ring", "abandoned"]);
    expect(await deadlines.due()).toEqual<CallDeadline[]>(["ring", "abandoned"]);

    // The alarm went off (and is spent): handling cancels or moves each due deadline, then rearm.
    state.alarm = null;
    await deadlines.cancel("ring");
    await deadlines.schedule("abandoned", 260);
    await deadlines.rearm();
    expect([await deadlines.due(), state.alarm]).toEqual([[], 260]);
  });

  it("rearm sets the alarm again after one that went off early", async () => {
    const clock = manualClock(0);
    const { storage, state } = memoryStorage();
    const deadlines = new CallDeadlines(storage, clock);
    await deadlines.schedule("ring", 100);
    state.alarm = null;
    expect(await deadlines.due()).toEqual([]);
    await deadlines.rearm();
    expect(state.alarm).toBe(100);
  });

  it("a new instance (the object woke again) reads the deadlines from storage", async () => {
    const clock = manualClock(0);
    const { storage } = memoryStorage();
    await new CallDeadlines(storage, clock).schedule("abandoned", 500);
    await new CallDeadlines(storage, clock).schedule("sync", 50);
    const woken = new CallDeadlines(storage, clock);
    expect(await woken.next()).toBe(50);
    clock.set(1_000);
    expect(await woken.due()).toEqual<CallDeadline[]>(["sync", "abandoned"]);
  });

  it("runs on a Durable Object's storage and its alarm", async () => {
    const stub = env.CALL_SESSION.getByName(`deadlines-${crypto.randomUUID()}`);
    await runInDurableObject(stub, async (_session, state) => {
      const clock = manualClock(Date.now());
      const deadlines = new CallDeadlines(state.storage, clock);
      const ringAt = clock.now() + 45_000;
      await deadlines.schedule("ring", ringAt);
      await deadlines.schedule("sync", clock.now() + 5_000);
      expect(await state.storage.getAlarm()).toBe(clock.now() + 5_000);
      await deadlines.cancel("sync");
      expect(await state.storage.getAlarm()).toBe(ringAt);
      expect(await new CallDeadlines(state.storage, clock).at("ring")).toBe(ringAt);
      await deadlines.cancel("ring");
      expect(await state.storage.getAlarm()).toBeNull();
    });
  });
});
