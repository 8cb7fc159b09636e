import { describe, expect, it } from "vitest";
import { ALLOWED_TYPES, detectType, FILE_PURPOSES, imageDimensions, isAllowedFor } from "../../shared/media/media-types";
import { samples } from "./samples";

describe("detectType reads magic bytes", () => {
  it.each([
    ["png", "image/png"],
    ["jpeg", "image/jpeg"],
    ["gif", "image/gif"],
    ["webp", "image/webp"],
    ["avif", "image/avif"],
    ["heic", "image/heic"],
    ["mp4", "video/mp4"],
    ["mov", "video/quicktime"],
    ["webm", "video/webm"],
    ["pdf", "application/pdf"],
  ] as const)("%s is %s", async (sample, mime) => {
    expect((await detectType(samples[sample]))?.mime).toBe(mime);
  });

  it("HTML is nothing it knows, whatever a client calls it", async () => {
    expect(await detectType(samples.html)).toBeNull();
  });

  it("empty and short inputs are unknown, not errors", async () => {
    expect(await detectType(new Uint8Array())).toBeNull();
    expect(await detectType(Uint8Array.of(0x89, 0x50))).toBeNull();
  });
});

describe("per-purpose allow-lists", () => {
  it("every purpose accepts still images and none accepts HTML or SVG", () => {
    for (const purpose of FILE_PURPOSES) {
      expect(isAllowedFor(purpose, "image/png")).toBe(true);
      expect(isAllowedFor(purpose, "text/html")).toBe(false);
      expect(isAllowedFor(purpose, "image/svg+xml")).toBe(false);
    }
  });

  it("a PDF is an attachment, never an avatar or a gallery image", () => {
    expect(isAllowedFor("attachment", "application/pdf")).toBe(true);
    expect(isAllowedFor("avatar", "application/pdf")).toBe(false);
    expect(isAllowedFor("image", "application/pdf")).toBe(false);
  });

  it("videos are attachments and assets but not avatars", () => {
    expect(ALLOWED_TYPES.asset).toContain("video/mp4");
    expect(isAllowedFor("attachment", "video/webm")).toBe(true);
    expect(isAllowedFor("avatar", "video/mp4")).toBe(false);
  });
});

describe("imageDimensions", () => {
  it.each(["png", "jpeg", "gif", "webp", "avif"] as const)("reads 40x30 from %s", async (sample) => {
    const mime = (await detectType(samples[sample]))!.mime;
    expect(imageDimensions(samples[sample], mime)).toEqual({ width: 40, height: 30 });
  });

  it("reads a larger JPEG", () => {
    expect(imageDimensions(samples.largeJpeg, "image/jpeg")).toEqual({ width: 1200, height: 800 });
  });

  it("is null for non-images and for truncated images", () => {
    expect(imageDimensions(samples.pdf, "application/pdf")).toBeNull();
    expect(imageDimensions(samples.jpeg.subarray(0, 20), "image/jpeg")).toBeNull();
  });
});
