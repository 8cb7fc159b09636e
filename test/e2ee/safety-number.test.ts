import { describe, expect, it } from "vitest";
import { matchesSafetyQr, type SafetyIdentity, safetyNumber, safetyNumberGroups, safetyQrPayload } from "../../client/e2ee/safety-number";
import { toBase64url } from "../../client/e2ee/bytes";

const key = (fill: number) => toBase64url(new Uint8Array(32).fill(fill));
const ann: SafetyIdentity = {
  userId: "ann",
  devices: [
    { id: "d1", signatureKey: key(1) },
    { id: "d2", signatureKey: key(2) },
  ],
};
const bob: SafetyIdentity = { userId: "bob", devices: [{ id: "d3", signatureKey: key(3) }] };

describe("safetyNumber (client/e2ee/safety-number.ts)", () => {
  it("is 60 digits, read as 12 groups of 5, and fixed for fixed keys (the definition does not drift)", async () => {
    const digits = await safetyNumber(ann, bob);
    // Pinned when the definition was written: any change to it changes every user's number.
    expect(digits).toBe("173668485429062756254575803427774510355973662267216151150909");
    expect(safetyNumberGroups(digits)).toHaveLength(12);
    expect(safetyNumberGroups(digits).every((group) => /^\d{5}$/.test(group))).toBe(true);
  });

  it("is the same on both sides, whatever order each lists the devices in", async () => {
    const reversed: SafetyIdentity = { userId: "ann", devices: [...ann.devices].reverse() };
    expect(await safetyNumber(bob, reversed)).toBe(await safetyNumber(ann, bob));
  });

  it("changes when a device is added, ends, or another key stands behind the same device id", async () => {
    const before = await safetyNumber(ann, bob);
    const added = await safetyNumber(ann, { userId: "bob", devices: [...bob.devices, { id: "d4", signatureKey: key(4) }] });
    const ended = await safetyNumber({ userId: "ann", devices: ann.devices.slice(0, 1) }, bob);
    const swapped = await safetyNumber(ann, { userId: "bob", devices: [{ id: "d3", signatureKey: key(9) }] });
    expect(new Set([before, added, ended, swapped]).size).toBe(4);
    // Only the half of the person whose devices changed moves: the other 30 digits stay.
    const halves = (digits: string) => [digits.slice(0, 30), digits.slice(30)];
    expect(halves(added).filter((half) => halves(before).includes(half))).toHaveLength(1);
  });

  it("binds the keys to the people: the same keys under other user ids give another number", async () => {
    expect(await safetyNumber({ ...ann, userId: "cat" }, bob)).not.toBe(await safetyNumber(ann, bob));
  });

  it("a QR code holds the number with its version; a scan matches only the same number", async () => {
    const digits = await safetyNumber(ann, bob);
    const payload = safetyQrPayload(digits);
    expect(payload).toBe(`edge-platform-safety:0:${digits}`);
    expect(matchesSafetyQr(payload, digits)).toBe(true);
    expect(matchesSafetyQr(safetyQrPayload(await safetyNumber(ann, { ...bob, devices: [] })), digits)).toBe(false);
    expect(matchesSafetyQr("https://example.com", digits)).toBeUndefined();
  });
});
