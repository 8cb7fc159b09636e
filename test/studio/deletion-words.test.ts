import { describe, expect, it } from "vitest";
import { deleteBoxText, deleteProjectText } from "../../web/src/studio/deletion-words";

describe("what deleting a box or a project says it takes", () => {
  it("names only what there is: an empty box goes with its comments, and retention is not mentioned", () => {
    expect(deleteBoxText("Forest walk", 0)).toBe("“Forest walk” goes now with its comments. This cannot be undone.");
  });

  it("counts a box's assets and warns that favourites and the headliner go too", () => {
    expect(deleteBoxText("Opening shot", 1)).toBe(
      "“Opening shot” goes now with its asset, its file and its comments. Favourites and the headliner go too: retention keeps them from expiring, not from deletion. This cannot be undone.",
    );
    expect(deleteBoxText("Opening shot", 3)).toContain("goes now with its 3 assets, their files and its comments.");
  });

  it("lists a project's boxes, assets, comments and share links", () => {
    expect(deleteProjectText("Autumn lookbook", 1, 0)).toBe(
      "“Autumn lookbook” goes now with its box, the comments and every share link (they stop working). This cannot be undone.",
    );
    expect(deleteProjectText("Spring campaign", 3, 2)).toBe(
      "“Spring campaign” goes now with its 3 boxes, its 2 assets, their files, the comments and every share link (they stop working). Favourites and headliners go too: retention keeps them from expiring, not from deletion. This cannot be undone.",
    );
    expect(deleteProjectText("Nothing yet", 0, 0)).toBe(
      "“Nothing yet” goes now with the comments and every share link (they stop working). This cannot be undone.",
    );
  });
});
