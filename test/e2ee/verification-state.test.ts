import { describe, expect, it } from "vitest";
import { acknowledgeChange, markVerified, observeDevices, removeVerification, trustStatus } from "../../web/src/e2ee/verification-state";

const laptop = { id: "d1", fingerprint: "AAAA 1111" };
const phone = { id: "d2", fingerprint: "BBBB 2222" };
const tablet = { id: "d3", fingerprint: "CCCC 3333" };
const t1 = "2026-05-01T10:00:00.000Z";
const t2 = "2026-05-02T10:00:00.000Z";

describe("what this device knows of a contact's devices (web/src/e2ee/verification-state.ts)", () => {
  it("the first sight is taken as known: no warning, not verified", () => {
    const record = observeDevices(undefined, "bob", [laptop], t1);
    expect(record).toMatchObject({ seen: { d1: "AAAA 1111" }, change: null, verified: null });
    expect(trustStatus(record, [laptop])).toBe("unverified");
  });

  it("a contact seen without devices gets their first ones without a warning", () => {
    const record = observeDevices(observeDevices(undefined, "bob", [], t1), "bob", [laptop], t2);
    expect(record.change).toBeNull();
  });

  it("a new device is a change until reviewed; a verified contact falls back to unverified", () => {
    const verified = markVerified("bob", [laptop], t1);
    expect(trustStatus(verified, [laptop])).toBe("verified");
    const changed = observeDevices(verified, "bob", [laptop, phone], t2);
    expect(changed.change).toEqual({ added: [phone], at: t2 });
    expect(trustStatus(changed, [laptop, phone])).toBe("changed");
    // Seen again before the review: still the same change, not a second one.
    expect(observeDevices(changed, "bob", [laptop, phone], "2026-05-03T00:00:00.000Z").change).toEqual({ added: [phone], at: t2 });
    const reviewed = acknowledgeChange(changed, [laptop, phone]);
    expect(trustStatus(reviewed, [laptop, phone])).toBe("unverified");
    expect(trustStatus(markVerified("bob", [laptop, phone], t2), [laptop, phone])).toBe("verified");
  });

  it("a known device id under another key is a change too", () => {
    const record = observeDevices(undefined, "bob", [laptop], t1);
    expect(observeDevices(record, "bob", [{ id: "d1", fingerprint: "FFFF 9999" }], t2).change?.added).toEqual([{ id: "d1", fingerprint: "FFFF 9999" }]);
  });

  it("a device that ends is no warning, and a verified contact stays verified", () => {
    const verified = markVerified("bob", [laptop, phone], t1);
    const fewer = observeDevices(verified, "bob", [laptop], t2);
    expect(fewer.change).toBeNull();
    expect(trustStatus(fewer, [laptop])).toBe("verified");
  });

  it("a new device that ends before the user looked takes its warning with it; another new one adds to the pending change", () => {
    const known = observeDevices(undefined, "bob", [laptop], t1);
    const changed = observeDevices(known, "bob", [laptop, phone], t1);
    expect(observeDevices(changed, "bob", [laptop], t2).change).toBeNull();
    expect(observeDevices(changed, "bob", [laptop, phone, tablet], t2).change).toEqual({ added: [phone, tablet], at: t2 });
  });

  it("removing the verification makes the contact unverified; someone with no devices is never verified", () => {
    const verified = markVerified("bob", [laptop], t1);
    expect(trustStatus(removeVerification(verified), [laptop])).toBe("unverified");
    expect(trustStatus(markVerified("bob", [], t1), [])).toBe("unverified");
  });
});
