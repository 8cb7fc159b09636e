import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SignalBuffer } from "../../shared/calls/signal-buffer";
import { MAX_BUFFERED_FRAMES } from "../../shared/calls/signalling";

/** Runs `body` against the storage of a fresh CallSession (no call in it). */
function inCallStorage<T>(body: (storage: DurableObjectStorage) => Promise<T>): Promise<T> {
  return runInDurableObject(env.CALL_SESSION.getByName(`buffer-${crypto.randomUUID()}`), (_session, state) => body(state.storage));
}

/** The frames `deliver` hands over. */
async function delivered(buffer: SignalBuffer, userId: string): Promise<string[]> {
  const frames: string[] = [];
  await buffer.deliver(userId, (frame) => frames.push(frame));
  return frames;
}

describe("SignalBuffer (frames for a participant not connected yet)", () => {
  it("hands each participant their own frames, in arrival order, once", async () => {
    await inCallStorage(async (storage) => {
      const buffer = new SignalBuffer(storage);
      await buffer.hold("callee", "offer");
      await buffer.hold("caller", "candidate-for-caller");
      for (let i = 0; i < 12; i++) await buffer.hold("callee", `candidate-${i}`);
      expect(await delivered(buffer, "callee")).toEqual(["offer", ...Array.from({ length: 12 }, (_, i) => `candidate-${i}`)]);
      expect(await delivered(buffer, "callee")).toEqual([]);
      expect(await delivered(buffer, "caller")).toEqual(["candidate-for-caller"]);
    });
  });

  it("keeps at most `max` frames per participant; delivering makes room", async () => {
    await inCallStorage(async (storage) => {
      const buffer = new SignalBuffer(storage, 3);
      expect([await buffer.hold("b", "1"), await buffer.hold("b", "2"), await buffer.hold("b", "3")]).toEqual([true, true, true]);
      expect(await buffer.hold("b", "4")).toBe(false);
      expect(await buffer.hold("a", "for a")).toBe(true);
      expect(await delivered(buffer, "b")).toEqual(["1", "2", "3"]);
      expect(await buffer.hold("b", "5")).toBe(true);
      expect(await delivered(buffer, "b")).toEqual(["5"]);
    });
  });

  it("delivers and clears a full buffer, at most 128 keys per storage delete", async () => {
    await inCallStorage(async (storage) => {
      const deletes: number[] = [];
      const buffer = new SignalBuffer({
        list: (options) => storage.list(options),
        put: (key, value) => storage.put(key, value),
        delete: (keys) => {
          deletes.push(keys.length);
          return storage.delete(keys);
        },
      });
      for (let i = 0; i < MAX_BUFFERED_FRAMES; i++) await buffer.hold("b", `frame-${i}`);
      expect(await buffer.hold("b", "one too many")).toBe(false);
      const frames = await delivered(buffer, "b");
      expect(frames).toEqual(Array.from({ length: MAX_BUFFERED_FRAMES }, (_, i) => `frame-${i}`));
      expect(await delivered(buffer, "b")).toEqual([]);

      for (let i = 0; i < MAX_BUFFERED_FRAMES; i++) await buffer.hold("a", `a-${i}`);
      for (let i = 0; i < MAX_BUFFERED_FRAMES; i++) await buffer.hold("b", `b-${i}`);
      await buffer.clear();
      expect(await storage.list({ prefix: "buffer:" })).toEqual(new Map());
      expect(Math.max(...deletes)).toBeLessThanOrEqual(128);
      expect(deletes.reduce((sum, n) => sum + n, 0)).toBe(3 * MAX_BUFFERED_FRAMES);
    });
  });

  it("a call that is over drops every participant's frames", async () => {
    await inCallStorage(async (storage) => {
      const buffer = new SignalBuffer(storage);
      await buffer.hold("a", "x");
      await buffer.hold("b", "y");
      await buffer.clear();
      expect(await delivered(buffer, "a")).toEqual([]);
      expect(await delivered(buffer, "b")).toEqual([]);
    });
  });
});
