import { describe, expect, it } from "vitest";
import { ChatClientFrames } from "../../shared/chat/frames";
import { MESSAGE_TEXT_MAX, plainSendFrame } from "../../shared/chat/message-rules";

const schema = ChatClientFrames["message.send"];

describe("plainSendFrame (message.send without zod)", () => {
  it("accepts a plain send and returns what the schema returns, unknown keys dropped", () => {
    const frame = { type: "message.send", clientId: "c-1.a:b_2", text: "  hello  ", extra: 1 };
    expect(plainSendFrame(frame)).toEqual(schema.parse(frame));
    expect(plainSendFrame(frame)).toEqual({ type: "message.send", clientId: "c-1.a:b_2", text: "  hello  " });
  });

  const cases: [string, unknown][] = [
    ["another frame type", { type: "typing" }],
    ["no clientId", { type: "message.send", text: "hi" }],
    ["an empty clientId", { type: "message.send", clientId: "", text: "hi" }],
    ["a clientId of 65 characters", { type: "message.send", clientId: "a".repeat(65), text: "hi" }],
    ["a clientId with a space", { type: "message.send", clientId: "a b", text: "hi" }],
    ["a clientId that is a number", { type: "message.send", clientId: 7, text: "hi" }],
    ["blank text", { type: "message.send", clientId: "c", text: " \n\t " }],
    ["empty text", { type: "message.send", clientId: "c", text: "" }],
    ["text that is not a string", { type: "message.send", clientId: "c", text: ["hi"] }],
    ["text over the limit", { type: "message.send", clientId: "c", text: "x".repeat(MESSAGE_TEXT_MAX + 1) }],
    ["attachments (left to the schema)", { type: "message.send", clientId: "c", text: "hi", attachments: [] }],
    ["null", null],
    ["an array", ["message.send"]],
  ];
  for (const [what, frame] of cases) {
    it(`leaves ${what} to the schema`, () => {
      expect(plainSendFrame(frame)).toBeNull();
    });
  }

  it("never accepts what the schema refuses", () => {
    const texts = ["hi", " ", "", "x".repeat(MESSAGE_TEXT_MAX), "😀".repeat(MESSAGE_TEXT_MAX / 2), "😀".repeat(MESSAGE_TEXT_MAX), "\u00a0"];
    const clientIds = ["c", "a".repeat(64), "a".repeat(65), "é", "a/b", "A.b_c:d-e"];
    for (const text of texts) {
      for (const clientId of clientIds) {
        const frame = { type: "message.send", clientId, text };
        const plain = plainSendFrame(frame);
        if (plain) expect(schema.safeParse(frame)).toEqual({ success: true, data: plain });
      }
    }
  });

  it("passes text longer than the limit in UTF-16 units to the schema, which counts code points", () => {
    const frame = { type: "message.send", clientId: "c", text: "😀".repeat(MESSAGE_TEXT_MAX) };
    expect(plainSendFrame(frame)).toBeNull();
    expect(schema.safeParse(frame).success).toBe(true);
  });
});
