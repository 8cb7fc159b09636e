import { describe, expect, it } from "vitest";
import { ResumableSha256 } from "../../shared/media/resumable-sha256";
import { padded, samples, sha256Hex } from "./samples";

describe("ResumableSha256", () => {
  it("matches WebCrypto for empty, short, block-edge and long inputs (past the WebAssembly input window)", async () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003, 131_008, 131_073, 400_001]) {
      const data = padded(samples.png, size, size + 1);
      expect(new ResumableSha256().update(data).hex(), `size ${size}`).toBe(await sha256Hex(data));
    }
  });

  it("gives the same digest whatever the chunking", async () => {
    const data = padded(samples.jpeg, 10_000, 7);
    const hash = new ResumableSha256();
    for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7) % 997 || 1) hash.update(data.subarray(at, at + step));
    expect(hash.hex()).toBe(await sha256Hex(data));
  });

  it("continues from a saved state, across any cut, as if never stopped", async () => {
    const data = padded(samples.gif, 5000, 3);
    for (const cut of [0, 1, 63, 64, 100, 4999, 5000]) {
      const first = new ResumableSha256().update(data.subarray(0, cut));
      const saved = first.save();
      const resumed = ResumableSha256.restore(saved).update(data.subarray(cut));
      expect(resumed.hex(), `cut at ${cut}`).toBe(await sha256Hex(data));
      expect(resumed.bytesHashed).toBe(data.length);
    }
  });

  it("reading the digest does not disturb the running state", async () => {
    const data = padded(samples.png, 300, 9);
    const hash = new ResumableSha256().update(data.subarray(0, 100));
    hash.hex();
    hash.update(data.subarray(100));
    expect(hash.hex()).toBe(await sha256Hex(data));
  });

  it("refuses a malformed saved state", () => {
    for (const bad of ["", "abc", `${"0".repeat(64)}:x:`, `${"0".repeat(64)}:3:00`, `${"0".repeat(64)}:1:zz`]) {
      expect(() => ResumableSha256.restore(bad)).toThrow();
    }
  });
});
