import { describe, expect, it } from "vitest";

const screens = import.meta.glob<string>("../../web/src/**/*.tsx", { query: "?raw", import: "default", eager: true });

describe("the web app's problems", () => {
  // What went wrong with what a person just did shows one way: `ProblemNote`, which brings the words
  // into view and speaks them. The studio wrote its own red paragraphs, which stayed where they
  // were drawn, under the fold of a long panel on a phone. A field's own problem (with an id that
  // its field's aria-describedby names) stays beside the field; a state shown as words (an asset
  // whose generation failed) is not an alert.
  it("show through ProblemNote: no paragraph of its own with an error's look outside it", () => {
    const own = Object.entries(screens)
      .filter(([path]) => !path.endsWith("/problem-note.tsx"))
      .flatMap(([path, text]) =>
        [...text.matchAll(/<p\b[^>]*>/g)]
          .filter((tag) => tag[0].includes('role="alert"') && /class="[^"]*\berror\b|class="[^"]*-error\b/.test(tag[0]) && !/\bid=/.test(tag[0]))
          .map((tag) => `${path.replace("../../", "")}:${text.slice(0, tag.index).split("\n").length}`),
      );
    expect(own).toEqual([]);
  });
});
