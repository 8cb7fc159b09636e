import { describe, expect, it } from "vitest";
import { SendingFiles } from "../../shared/chat/attachments";

describe("SendingFiles (files of admitted sends not stored yet)", () => {
  it("carries a file while any send holding it is on its way", () => {
    const files = new SendingFiles();
    files.hold(["f1", "f2"]);
    files.hold(["f1"]);
    expect([files.carries("f1"), files.carries("f2"), files.carries("f3")]).toEqual([true, true, false]);
    files.release(["f1", "f2"]);
    expect([files.carries("f1"), files.carries("f2")]).toEqual([true, false]);
    files.release(["f1"]);
    expect(files.carries("f1")).toBe(false);
  });

  it("a release without a hold leaves nothing behind", () => {
    const files = new SendingFiles();
    files.release(["f1"]);
    files.hold(["f1"]);
    expect(files.carries("f1")).toBe(true);
  });
});
