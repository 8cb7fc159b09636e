import { describe, expect, it } from "vitest";
import { parseUrlSigningKeys, signUrl, verifySignedUrl } from "../../shared/media/signed-urls";

const current = { kid: "k2", secret: "a-secret-that-is-long-enough-for-hmac-sha256" };
const previous = { kid: "k1", secret: "the-previous-secret-still-verifying-old-urls" };
const now = new Date("2026-01-01T00:00:00Z");
const inAMinute = new Date(now.getTime() + 60_000);
const base = new URL("https://api.example/v1/files/f1/content?width=256");

describe("signed URLs", () => {
  it("a signed URL verifies until it expires", async () => {
    const url = await signUrl(base, current, inAMinute);
    expect(url.searchParams.get("kid")).toBe("k2");
    expect(await verifySignedUrl(url, [current], now)).toEqual({ ok: true });
    expect(await verifySignedUrl(url, [current], new Date(inAMinute.getTime() + 1000))).toEqual({ ok: false, code: "url_expired" });
  });

  it("an older key still verifies after rotation; an unknown key id does not", async () => {
    const url = await signUrl(base, previous, inAMinute);
    expect(await verifySignedUrl(url, [current, previous], now)).toEqual({ ok: true });
    expect(await verifySignedUrl(url, [current], now)).toEqual({ ok: false, code: "invalid_signature" });
  });

  it.each([
    ["another file", (u: URL) => (u.pathname = "/v1/files/f2/content")],
    ["a later expiry", (u: URL) => u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 3600))],
    ["another variant", (u: URL) => u.searchParams.set("width", "2048")],
    ["an added parameter", (u: URL) => u.searchParams.set("format", "png")],
    ["a dropped parameter", (u: URL) => u.searchParams.delete("width")],
    ["another key id", (u: URL) => u.searchParams.set("kid", "k1")],
    ["a changed signature", (u: URL) => u.searchParams.set("sig", `${u.searchParams.get("sig")!.slice(0, -2)}AA`)],
    ["a second signature", (u: URL) => u.searchParams.append("sig", "x")],
  ])("changing %s is refused", async (_, change) => {
    const url = await signUrl(base, current, inAMinute);
    change(url);
    expect(await verifySignedUrl(url, [current, previous], now)).toEqual({ ok: false, code: "invalid_signature" });
  });

  it("the signature covers the method", async () => {
    const url = await signUrl(base, current, inAMinute);
    expect(await verifySignedUrl(url, [current], now, "DELETE")).toEqual({ ok: false, code: "invalid_signature" });
  });

  it("unsigned and malformed URLs are invalid", async () => {
    expect(await verifySignedUrl(base, [current], now)).toEqual({ ok: false, code: "invalid_signature" });
    const garbage = new URL(`${base}&expires=abc&kid=k2&sig=!!`);
    expect(await verifySignedUrl(garbage, [current], now)).toEqual({ ok: false, code: "invalid_signature" });
  });
});

describe("parseUrlSigningKeys", () => {
  it("keeps well-formed keys with long secrets, in order", () => {
    expect(parseUrlSigningKeys(JSON.stringify([current, { kid: "short", secret: "x" }, previous]))).toEqual([current, previous]);
  });

  it("is empty for nothing or garbage", () => {
    expect(parseUrlSigningKeys(undefined)).toEqual([]);
    expect(parseUrlSigningKeys("not json")).toEqual([]);
    expect(parseUrlSigningKeys('{"kid":"a"}')).toEqual([]);
  });
});
