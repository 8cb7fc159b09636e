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

  it("HTML is plain text: served as a text/plain download with nosniff, it never renders", async () => {
    expect((await detectType(samples.html))?.mime).toBe("text/plain");
  });

  it("text is valid UTF-8 without binary control bytes, in any script, even cut inside a character", async () => {
    const text = new TextEncoder().encode("name;city\nМама;Київ\nJürgen;Köln\n");
    expect((await detectType(text))?.mime).toBe("text/plain");
    // The head ends in the middle of "ї" (two bytes): still text.
    const cut = text.subarray(0, text.indexOf(0xd1, 15) + 1);
    expect((await detectType(cut))?.mime).toBe("text/plain");
    expect(await detectType(Uint8Array.of(0x48, 0x69, 0x00, 0x21))).toBeNull();
    expect(await detectType(Uint8Array.of(0x48, 0xe9, 0x6c, 0x6c, 0x6f, 0x20, 0x77))).toBeNull();
  });

  it("voice messages and documents: Opus in Ogg, MP3, and Office files by their zip structure", async () => {
    const oggPage = (packet: Uint8Array) => {
      const header = new Uint8Array(27 + 1);
      header.set([0x4f, 0x67, 0x67, 0x53, 0, 2]);
      header[26] = 1;
      header[27] = packet.length;
      return Uint8Array.from([...header, ...packet]);
    };
    const opusHead = new TextEncoder().encode("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00");
    expect((await detectType(oggPage(opusHead)))?.mime).toMatch(/^audio\/(ogg|opus)$/);
    const id3 = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64, ...new Array(400).fill(0)]);
    expect((await detectType(id3))?.mime).toBe("audio/mpeg");
    const { zipSync, strToU8 } = await import("fflate");
    const docx = zipSync({
      "[Content_Types].xml": strToU8(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
      "word/document.xml": strToU8("<w:document/>"),
    });
    expect((await detectType(docx))?.mime).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect((await detectType(zipSync({ "notes.txt": strToU8("hello") })))?.mime).toBe("application/zip");
    for (const mime of ["audio/mpeg", "application/zip", "text/plain", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]) {
      expect(isAllowedFor("attachment", mime), mime).toBe(true);
      expect(isAllowedFor("image", mime), mime).toBe(false);
    }
  });

  it("empty and short inputs are unknown, not errors", async () => {
    expect(await detectType(new Uint8Array())).toBeNull();
    expect(await detectType(Uint8Array.of(0x89, 0x50))).toBeNull();
  });
});

describe("per-purpose allow-lists", () => {
  it("every purpose of readable files accepts still images and none accepts HTML or SVG", () => {
    for (const purpose of FILE_PURPOSES) {
      if (purpose !== "encrypted-attachment") expect(isAllowedFor(purpose, "image/png")).toBe(true);
      expect(isAllowedFor(purpose, "text/html")).toBe(false);
      expect(isAllowedFor(purpose, "image/svg+xml")).toBe(false);
    }
  });

  it("an encrypted attachment is opaque bytes, whatever it holds: no readable type is accepted as one", () => {
    expect(isAllowedFor("encrypted-attachment", "application/octet-stream")).toBe(true);
    for (const type of ["image/png", "audio/ogg", "application/pdf", "text/plain"]) expect(isAllowedFor("encrypted-attachment", type)).toBe(false);
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
