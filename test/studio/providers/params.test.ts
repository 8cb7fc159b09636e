import { describe, expect, it } from "vitest";
import { ApiError } from "../../../shared/http/errors";
import { DEV_IMAGE_MODEL } from "../../../shared/studio/providers/dev-provider";
import { checkParams } from "../../../shared/studio/providers/params";

function problemOf(work: () => unknown): ApiError {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("params against the model's JSON Schema", () => {
  const schema = DEV_IMAGE_MODEL.paramsSchema;

  it("accepts params inside the bounds and fills the schema's defaults", () => {
    expect(checkParams(schema, { width: 64, seed: 9 })).toEqual({ width: 64, height: 256, seed: 9 });
    expect(checkParams(schema, undefined)).toEqual({ width: 256, height: 256 });
  });

  it("refuses out-of-bounds, non-integer, wrongly typed and unknown params with 400 invalid_params naming each", () => {
    const error = problemOf(() => checkParams(schema, { width: 4096, height: 1.5, seed: "7", colour: "red" }));
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_params");
    const paths = error.extra.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["params.width", "params.height", "params.seed"]));
    expect(error.extra.errors!.some((e) => e.code === "additionalProperties" || e.code === "false")).toBe(true);
  });

  it("validates nested schemas (arrays, enums, required)", () => {
    const nested = {
      type: "object" as const,
      properties: {
        style: { enum: ["ink", "oil"] },
        refs: { type: "array", items: { type: "string", maxLength: 5 }, maxItems: 2 },
      },
      required: ["style"],
    };
    expect(checkParams(nested, { style: "ink", refs: ["a"] })).toEqual({ style: "ink", refs: ["a"] });
    expect(problemOf(() => checkParams(nested, { refs: ["toolong", "b", "c"] })).extra.errors!.length).toBeGreaterThanOrEqual(2);
  });
});
