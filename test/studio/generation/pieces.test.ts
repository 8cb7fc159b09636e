import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/ids";
import { derivedId } from "../../../shared/studio/generation/derived-ids";
import { pollDelaySeconds, retryDelaySeconds } from "../../../shared/studio/generation/pipeline";

describe("poll and retry delays", () => {
  it("polls after the interval, each later poll half again as long, at most 30 s", () => {
    expect([1, 2, 3, 4, 5].map((n) => pollDelaySeconds(2, n))).toEqual([2, 3, 5, 7, 11]);
    expect(pollDelaySeconds(2, 40)).toBe(30);
    expect(pollDelaySeconds(0, 5)).toBe(0);
  });

  it("retries after the provider's Retry-After, else doubling from the interval (at least 1 s), at most 300 s", () => {
    expect(retryDelaySeconds(2, 1, 7)).toBe(7);
    expect(retryDelaySeconds(2, 1, 9999)).toBe(300);
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(2, n))).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(0, 1)).toBe(1);
    expect(retryDelaySeconds(2, 50)).toBe(300);
  });
});

describe("derived ids", () => {
  it("are the same for the same asset and label, different otherwise, and keep the asset's time prefix", async () => {
    const asset = newId();
    const file = await derivedId(asset, "file:0");
    expect(await derivedId(asset, "file:0")).toBe(file);
    expect(await derivedId(asset, "file:1")).not.toBe(file);
    expect(await derivedId(newId(), "file:0")).not.toBe(file);
    expect(file).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(file.slice(0, 13)).toBe(asset.slice(0, 13));
  });
});
