import { describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";

describe("newId", () => {
  it("is a UUIDv7 whose first 48 bits are the time, so ids sort by creation", () => {
    const at = Date.parse("2026-11-22T01:30:00.123Z");
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
    expect(newId(at + 1) > id).toBe(true);
    expect(newId(at)).not.toBe(id);
  });
});
