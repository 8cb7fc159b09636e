// The web app's rules for what a device read of an encrypted chat (web/src/e2ee/history-store.ts):
// edits and reactions folded into their messages, the on-device search, and the types a decrypted
// file is shown as. The browser test (test/e2e/e2ee.test.ts) goes through them on screen; these
// pin the rules a screen cannot show at once (someone else's edit, a reaction taken back).
import { describe, expect, it } from "vitest";
import { displayType } from "../../web/src/e2ee/display-type";
import { fold, type HistoryRecord, searchFolded } from "../../web/src/e2ee/history-fold";

let seq = 0;
const record = (fields: Partial<HistoryRecord> & Pick<HistoryRecord, "id">): HistoryRecord => ({
  chatId: "chat",
  seq: ++seq,
  senderId: "ann",
  createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  state: "opened",
  ...fields,
});

describe("folding encrypted edits and reactions into their message", () => {
  it("the newest edit by the message's own sender gives its text; an edit by anyone else is ignored", () => {
    const message = record({ id: "m1", text: "lunch at noon" });
    const first = record({ id: "e1", text: "lunch at one", relatesTo: { kind: "edit", id: "m1" } });
    const forged = record({ id: "e2", senderId: "bob", text: "no lunch", relatesTo: { kind: "edit", id: "m1" } });
    const second = record({ id: "e3", text: "lunch at two", relatesTo: { kind: "edit", id: "m1" } });
    expect(fold(message, [])).toMatchObject({ text: "lunch at noon", editedAt: null });
    // Out of order in the store: the seq decides.
    expect(fold(message, [second, forged, first])).toMatchObject({ text: "lunch at two", editedAt: second.createdAt });
    // An edit this device could not read changes nothing.
    expect(fold(message, [{ ...second, state: "undecryptable" }, first]).text).toBe("lunch at one");
  });

  it("each member's newest add or take-back of an emoji decides; others' reactions count on", () => {
    const message = record({ id: "m2", text: "photos" });
    const reactions = [
      record({ id: "r1", senderId: "bob", reaction: { emoji: "👍" }, relatesTo: { kind: "reaction", id: "m2" } }),
      record({ id: "r2", senderId: "cat", reaction: { emoji: "👍" }, relatesTo: { kind: "reaction", id: "m2" } }),
      record({ id: "r3", senderId: "cat", reaction: { emoji: "❤️" }, relatesTo: { kind: "reaction", id: "m2" } }),
      record({ id: "r4", senderId: "bob", reaction: { emoji: "👍", remove: true }, relatesTo: { kind: "reaction", id: "m2" } }),
      // A reaction of another message is not this one's.
      record({ id: "r5", senderId: "bob", reaction: { emoji: "😂" }, relatesTo: { kind: "reaction", id: "other" } }),
    ];
    expect(fold(message, reactions).reactions).toEqual([
      { emoji: "👍", count: 1, userIds: ["cat"] },
      { emoji: "❤️", count: 1, userIds: ["cat"] },
    ]);
  });
});

describe("on-device search", () => {
  it("finds readable messages by every word, as edited, newest first; never an edit or a reaction itself, nor what the device could not read", () => {
    const records = [
      record({ id: "s1", text: "The picnic is at the Old Oak" }),
      record({ id: "s2", text: "bring lemonade to the picnic" }),
      record({ id: "s3", text: "picnic plans", relatesTo: { kind: "edit", id: "s2" } }),
      record({ id: "s4", state: "before_joining" }),
      record({ id: "s5", text: "nothing here" }),
    ];
    expect(searchFolded(records, "PICNIC oak").map((found) => found.id)).toEqual(["s1"]);
    expect(searchFolded(records, "picnic").map((found) => [found.id, found.text])).toEqual([
      ["s2", "picnic plans"],
      ["s1", "The picnic is at the Old Oak"],
    ]);
    expect(searchFolded(records, "lemonade")).toEqual([]);
    expect(searchFolded(records, "   ")).toEqual([]);
  });
});

describe("the type a decrypted file is shown as", () => {
  it("pictures, sound and video keep their type; anything that could run is a download", () => {
    expect(displayType("image/png")).toBe("image/png");
    expect(displayType("audio/webm;codecs=opus")).toBe("audio/webm");
    expect(displayType("video/webm")).toBe("video/webm");
    for (const claimed of ["image/svg+xml", "text/html", "application/pdf", "application/javascript", undefined, ""])
      expect(displayType(claimed)).toBe("application/octet-stream");
  });
});
