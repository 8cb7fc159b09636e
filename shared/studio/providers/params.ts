import { type Schema, Validator } from "@cfworker/json-schema";
import { badRequest, type FieldProblem } from "../../http/errors";
import type { ParamsSchema } from "./definitions";
import type { JsonValue } from "./templates";
import { logEvent } from "../../observability/log";

// @cfworker/json-schema interprets schemas; it never generates code (Workers refuse `new Function`).
const validators = new Map<string, Validator>();

function validatorFor(schema: object): Validator {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    if (validators.size >= 100) validators.delete(validators.keys().next().value!);
    validator = new Validator(schema as Schema, "2020-12", false);
    validators.set(key, validator);
  }
  return validator;
}

/** The problems of `value` against `schema` (empty when it conforms), as field problems of the request. */
export function schemaProblems(schema: object, value: unknown, pathPrefix: string): FieldProblem[] {
  let result: ReturnType<Validator["validate"]>;
  try {
    result = validatorFor(schema).validate(value);
  } catch (error) {
    logEvent("warn", "params schema not applied", { error: String(error) });
    return [{ path: pathPrefix, message: "The schema cannot be applied (the validator refused it)" }];
  }
  if (result.valid) return [];
  // The validator also reports each enclosing keyword ("properties", "allOf"); the innermost say what is wrong.
  const specific = result.errors.filter((e) => !["properties", "allOf", "anyOf", "items", "prefixItems", "$ref"].includes(e.keyword));
  return (specific.length > 0 ? specific : result.errors).slice(0, 20).map((e) => ({
    path: [pathPrefix, ...e.instanceLocation.replace(/^#\/?/, "").split("/").filter(Boolean)].join("."),
    message: e.error,
    code: e.keyword,
  }));
}

/**
 * The params a request sends, checked against the model's schema (400 `invalid_params` listing
 * each problem), with the schema's top-level defaults for those not given.
 */
export function checkParams(schema: ParamsSchema, params: Record<string, unknown> | undefined): Record<string, JsonValue> {
  const given = params ?? {};
  const problems = schemaProblems(schema, given, "params");
  if (problems.length > 0) throw badRequest("invalid_params", "The params do not fit the model's schema", problems);
  const out: Record<string, JsonValue> = { ...(given as Record<string, JsonValue>) };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (out[name] === undefined && property && typeof property === "object" && "default" in property) {
      out[name] = (property as { default: JsonValue }).default;
    }
  }
  return out;
}
