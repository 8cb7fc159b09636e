import { describe, expect, it } from "vitest";
import { checkPatchContentType, checkTusResumable, encodeUploadMetadata, parseByteCount, parseUploadMetadata } from "../../shared/media/tus-protocol";

describe("tus headers", () => {
  it("only version 1.0.0 is spoken", () => {
    expect(checkTusResumable("1.0.0").ok).toBe(true);
    expect(checkTusResumable("0.2.2")).toMatchObject({ ok: false, status: 412 });
    expect(checkTusResumable(null)).toMatchObject({ ok: false, status: 412 });
  });

  it("byte counts are non-negative integers", () => {
    expect(parseByteCount("Upload-Length", "1048576")).toEqual({ ok: true, value: 1048576 });
    expect(parseByteCount("Upload-Length", "0")).toEqual({ ok: true, value: 0 });
    for (const bad of [null, "", "-1", "1.5", "1e6", "12abc", "9999999999999999"]) {
      expect(parseByteCount("Upload-Offset", bad)).toMatchObject({ ok: false, status: 400, code: "invalid_header" });
    }
  });

  it("PATCH bodies must be application/offset+octet-stream", () => {
    expect(checkPatchContentType("application/offset+octet-stream").ok).toBe(true);
    expect(checkPatchContentType("application/offset+octet-stream; charset=binary").ok).toBe(true);
    expect(checkPatchContentType("application/octet-stream")).toMatchObject({ ok: false, status: 415 });
    expect(checkPatchContentType(null)).toMatchObject({ ok: false, status: 415 });
  });
});

describe("Upload-Metadata", () => {
  it("decodes key/base64 pairs, UTF-8 values and keys without a value", () => {
    const header = `${encodeUploadMetadata({ name: "фото 1.jpg", purpose: "image" })},flag`;
    expect(parseUploadMetadata(header)).toEqual({ ok: true, value: { name: "фото 1.jpg", purpose: "image", flag: "" } });
  });

  it("absent or blank metadata is empty", () => {
    expect(parseUploadMetadata(null)).toEqual({ ok: true, value: {} });
    expect(parseUploadMetadata("  ")).toEqual({ ok: true, value: {} });
  });

  it.each([
    ["a repeated key", "name YQ==,name Yg=="],
    ["a value that is not base64", "name ***"],
    ["bytes that are not UTF-8", `name ${btoa(String.fromCharCode(0xff, 0xfe))}`],
    ["three words in a pair", "name YQ== extra"],
    ["a key that is not ASCII", "ключ YQ=="],
  ])("refuses %s", (_, header) => {
    expect(parseUploadMetadata(header)).toMatchObject({ ok: false, status: 400 });
  });
});
