import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatClientFrames } from "../../shared/chat/frames";
import { MAX_CLIENT_FRAME_BYTES, parseFrame } from "../../shared/realtime/frames";

const Frames = {
  ping: z.object({ type: z.literal("ping") }),
  say: z.object({ type: z.literal("say"), text: z.string().min(1), to: z.object({ userId: z.string() }).optional() }),
};

const codeOf = (message: string | ArrayBuffer, maxBytes?: number) => {
  const result = parseFrame(message, Frames, maxBytes);
  return result.ok ? "ok" : result.code;
};

describe("parseFrame", () => {
  it("returns the typed frame for valid JSON of a known type", () => {
    expect(parseFrame('{"type":"say","text":"hi"}', Frames)).toEqual({ ok: true, frame: { type: "say", text: "hi" } });
    expect(parseFrame('{"type":"ping"}', Frames)).toEqual({ ok: true, frame: { type: "ping" } });
  });

  it("refuses binary frames", () => {
    expect(codeOf(new TextEncoder().encode('{"type":"ping"}').buffer as ArrayBuffer)).toBe("binary_not_supported");
  });

  it("refuses frames over the size limit before parsing them", () => {
    const big = JSON.stringify({ type: "say", text: "x".repeat(MAX_CLIENT_FRAME_BYTES) });
    expect(codeOf(big)).toBe("frame_too_large");
    expect(codeOf('{"type":"say","text":"0123456789"}', 20)).toBe("frame_too_large");
    expect(codeOf('{"type":"ping"}', 20)).toBe("ok");
  });

  it("refuses text that is not JSON, or JSON that is not an object with a string type", () => {
    for (const message of ["not json", "{", "[1,2]", "null", "42", '"ping"', "{}", '{"type":7}']) expect(codeOf(message), message).toBe("malformed_frame");
  });

  it("refuses unknown types, including names every object inherits", () => {
    for (const type of ["dance", "__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const result = parseFrame(JSON.stringify({ type }), Frames);
      expect(result, type).toMatchObject({ ok: false, code: "unknown_frame_type" });
    }
  });

  it("quotes at most 40 characters of an unknown type back", () => {
    const result = parseFrame(JSON.stringify({ type: "y".repeat(500) }), Frames);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toBe(`Unknown frame type ${JSON.stringify("y".repeat(40))}`);
  });

  it("names the offending field of a frame its schema refuses (invalid_frame)", () => {
    expect(parseFrame('{"type":"say","text":""}', Frames)).toMatchObject({ ok: false, code: "invalid_frame", detail: expect.stringMatching(/^text: /) });
    expect(parseFrame('{"type":"say","text":"a","to":{"userId":5}}', Frames)).toMatchObject({
      ok: false,
      code: "invalid_frame",
      detail: expect.stringMatching(/^to\.userId: /),
    });
  });

  it("checks chat frames against the chat schemas (seq bounds, blank text, client id characters)", () => {
    expect(parseFrame('{"type":"read","seq":3}', ChatClientFrames)).toEqual({ ok: true, frame: { type: "read", seq: 3 } });
    expect(parseFrame('{"type":"read","seq":-1}', ChatClientFrames)).toMatchObject({ ok: false, code: "invalid_frame" });
    expect(parseFrame('{"type":"message.send","clientId":"c1","text":"   "}', ChatClientFrames)).toMatchObject({ ok: false, code: "invalid_frame" });
    expect(parseFrame('{"type":"message.send","clientId":"bad id!","text":"hi"}', ChatClientFrames)).toMatchObject({ ok: false, code: "invalid_frame" });
  });
});
