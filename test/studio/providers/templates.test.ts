import { describe, expect, it } from "vitest";
import { checkPlaceholders, fillPathTemplate, fillTemplate, placeholdersIn, TemplateError } from "../../../shared/studio/providers/templates";

describe("request templates", () => {
  it("fill placeholders in nested objects and arrays", () => {
    const template = {
      model: "flux",
      input: { prompt: "{{prompt}}", options: { size: { w: "{{width}}", h: "{{height}}" } }, tags: ["a", "{{style}}", ["{{style}}"]] },
    };
    expect(fillTemplate(template, { prompt: "a cat", width: 512, height: 256, style: "ink" })).toEqual({
      model: "flux",
      input: { prompt: "a cat", options: { size: { w: 512, h: 256 } }, tags: ["a", "ink", ["ink"]] },
    });
  });

  it("a placeholder that is the whole string keeps the value's JSON type", () => {
    const filled = fillTemplate(
      { n: "{{n}}", f: "{{f}}", b: "{{b}}", z: "{{z}}", o: "{{o}}", a: "{{a}}", spaced: "{{ n }}" },
      { n: 3, f: 0.5, b: false, z: null, o: { x: [1, 2] }, a: ["p", 1] },
    );
    expect(filled).toEqual({ n: 3, f: 0.5, b: false, z: null, o: { x: [1, 2] }, a: ["p", 1], spaced: 3 });
  });

  it("a placeholder inside text becomes the value's text", () => {
    expect(fillTemplate({ text: "size {{w}}x{{h}}, {{flag}}; {{o}}" }, { w: 512, h: 256, flag: true, o: { k: 1 } })).toEqual({
      text: 'size 512x256, true; {"k":1}',
    });
  });

  it("a missing value is an error naming every missing placeholder", () => {
    let error: unknown;
    try {
      fillTemplate({ a: "{{prompt}}", b: ["x {{width}}"], c: "{{height}}" }, { prompt: "p" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe("missing_variable");
    expect((error as TemplateError).names).toEqual(["height", "width"]);
  });

  it("an optional placeholder without a value drops its property or item, and is empty inside text", () => {
    expect(fillTemplate({ seed: "{{seed?}}", list: ["{{seed?}}", 1], text: "seed={{seed?}}" }, {})).toEqual({ list: [1], text: "seed=" });
    expect(fillTemplate({ seed: "{{seed?}}" }, { seed: 7 })).toEqual({ seed: 7 });
  });

  it("user text with quotes, braces and placeholders stays one plain string", () => {
    const hostile = '", "admin": true, "x": {"y": "}} {{secret}} {{width}} \\" \n';
    const filled = fillTemplate({ prompt: "{{prompt}}", mixed: "say: {{prompt}}", n: "{{width}}" }, { prompt: hostile, width: 5, secret: "s3cr3t" });
    const wire = JSON.parse(JSON.stringify(filled));
    expect(Object.keys(wire).sort()).toEqual(["mixed", "n", "prompt"]);
    expect(wire.prompt).toBe(hostile);
    expect(wire.mixed).toBe(`say: ${hostile}`);
    expect(JSON.stringify(wire)).not.toContain("s3cr3t");
  });

  it("path templates percent-encode values, so a value cannot add segments or a query", () => {
    expect(fillPathTemplate("/tasks/{{taskId}}?full=1", { taskId: "../admin?x=1#y" })).toBe("/tasks/..%2Fadmin%3Fx%3D1%23y?full=1");
    expect(() => fillPathTemplate("/tasks/{{taskId}}", {})).toThrow(TemplateError);
  });

  it("a path value cannot be a dot segment: . and .. are refused, alone or made by joining values", () => {
    for (const value of [".", "..", "%2e", "%2E%2e"]) {
      if (value.startsWith("%")) {
        // Percent signs are encoded themselves, so these stay plain text, never a dot segment.
        expect(fillPathTemplate("/v1/styles/{{style}}/render", { style: value })).toBe(`/v1/styles/${encodeURIComponent(value)}/render`);
        continue;
      }
      let error: unknown;
      try {
        fillPathTemplate("/v1/styles/{{style}}/render", { style: value });
      } catch (e) {
        error = e;
      }
      expect(error, value).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).code).toBe("invalid_path_value");
      expect((error as TemplateError).names).toEqual(["style"]);
    }
    // Two values (or a value and the template's own text) that together make a dot segment.
    expect(() => fillPathTemplate("/v1/{{a}}{{b}}/x", { a: ".", b: "." })).toThrow(TemplateError);
    expect(() => fillPathTemplate("/v1/{{a}}.{{b?}}/x", { a: "." })).toThrow(TemplateError);
    expect(() => fillPathTemplate("/v1/{{a}}%2E/x", { a: "." })).toThrow(TemplateError);
    // Dots inside a longer segment, and every value with a slash, stay one segment.
    expect(fillPathTemplate("/v1/{{a}}/x", { a: "...", b: "" })).toBe("/v1/.../x");
    expect(fillPathTemplate("/v1/{{a}}/x", { a: "../../admin" })).toBe("/v1/..%2F..%2Fadmin/x");
    expect(fillPathTemplate("/v1/{{a}}/x", { a: "a/b" })).toBe("/v1/a%2Fb/x");
    expect(fillPathTemplate("/v1/x?style={{a}}", { a: "a/b?c" })).toBe("/v1/x?style=a%2Fb%3Fc");
    // The template's own dot segments are the admin's choice, not a value's.
    expect(fillPathTemplate("/v1/./x/{{a}}", { a: "y" })).toBe("/v1/./x/y");
  });

  it("unknown placeholders are found in every string at any depth", () => {
    const template = { a: "{{prompt}}", b: [{ c: "x {{colour}} {{width}}" }], d: "{{mood?}}" };
    expect([...placeholdersIn(template)].sort()).toEqual(["colour", "mood", "prompt", "width"]);
    let error: unknown;
    try {
      checkPlaceholders(template, new Set(["prompt", "width"]), "requestTemplate");
    } catch (e) {
      error = e;
    }
    expect((error as TemplateError).code).toBe("unknown_placeholder");
    expect((error as TemplateError).names).toEqual(["colour", "mood"]);
    expect(() => checkPlaceholders(template, new Set(["prompt", "width", "colour", "mood"]), "requestTemplate")).not.toThrow();
  });
});
