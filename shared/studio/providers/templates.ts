/**
 * Request templates: JSON with `{{name}}` placeholders, filled in recursively. A string that is
 * one placeholder and nothing else takes the value with its JSON type (a number stays a number,
 * an object an object); placeholders inside text are replaced by the value's text. `{{name?}}`
 * is optional: when the value is absent, a whole-string one drops its property or array item and
 * one inside text becomes empty. The template is filled as a value, never as text, and values are
 * not scanned again, so user text with quotes, braces or `{{...}}` stays plain data.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type TemplateVariables = Readonly<Record<string, JsonValue | undefined>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(\?)?\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(\?)?\s*\}\}$/;

export class TemplateError extends Error {
  constructor(
    readonly code: "missing_variable" | "unknown_placeholder" | "invalid_template" | "invalid_path_value",
    readonly names: string[],
    message: string,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Marks an optional whole-string placeholder whose value is absent: its slot is dropped. */
const ABSENT = Symbol("absent");

function textOf(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function fill(node: unknown, variables: TemplateVariables, missing: Set<string>): JsonValue | typeof ABSENT {
  if (typeof node === "string") {
    const whole = WHOLE_PLACEHOLDER.exec(node);
    if (whole) {
      const [, name, optional] = whole;
      const value = Object.hasOwn(variables, name!) ? variables[name!] : undefined;
      if (value === undefined) {
        if (!optional) missing.add(name!);
        return ABSENT;
      }
      return value;
    }
    return node.replace(PLACEHOLDER, (_match, name: string, optional: string | undefined) => {
      const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
      if (value === undefined) {
        if (!optional) missing.add(name);
        return "";
      }
      return textOf(value);
    });
  }
  if (Array.isArray(node)) {
    const out: JsonValue[] = [];
    for (const item of node) {
      const filled = fill(item, variables, missing);
      if (filled !== ABSENT) out.push(filled);
    }
    return out;
  }
  if (node !== null && typeof node === "object") {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(node)) {
      const filled = fill(item, variables, missing);
      if (filled !== ABSENT) out[key] = filled;
    }
    return out;
  }
  if (typeof node === "number" || typeof node === "boolean" || node === null) return node;
  throw new TemplateError("invalid_template", [], "A template holds only JSON values");
}

/** The template with every placeholder filled in; throws `missing_variable` naming each required one without a value. */
export function fillTemplate(template: JsonValue, variables: TemplateVariables): JsonValue | undefined {
  const missing = new Set<string>();
  const filled = fill(template, variables, missing);
  if (missing.size > 0) {
    const names = [...missing].sort();
    throw new TemplateError("missing_variable", names, `No value for ${names.map((n) => `{{${n}}}`).join(", ")}`);
  }
  return filled === ABSENT ? undefined : filled;
}

/**
 * Whether a path segment is `.` or `..` as a URL parser reads it (`%2e` is a dot there too): the
 * parser would drop it or climb one segment up, out of the admin's endpoint path.
 */
function isDotSegment(segment: string): boolean {
  const dots = segment.replace(/%2e/gi, ".");
  return dots === "." || dots === "..";
}

/**
 * A URL path template filled in with every value percent-encoded (`encodeURIComponent`, `/` too),
 * so a value is never more than part of one segment and cannot add a query. A segment that a value
 * made into `.` or `..` (alone, or joined with another value or the template's text) is refused
 * (`invalid_path_value` naming the values): the request would leave the endpoint's path.
 */
export function fillPathTemplate(template: string, variables: TemplateVariables): string {
  const missing = new Set<string>();
  const dotted = new Set<string>();
  const fillText = (text: string, used: Set<string>) =>
    text.replace(PLACEHOLDER, (_match, name: string, optional: string | undefined) => {
      used.add(name);
      const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
      if (value === undefined) {
        if (!optional) missing.add(name);
        return "";
      }
      return encodeURIComponent(textOf(value));
    });
  // The first "?" outside a placeholder (`{{name?}}` holds one) starts the query.
  const queryAt = template.replace(PLACEHOLDER, (match) => "x".repeat(match.length)).indexOf("?");
  const path = queryAt === -1 ? template : template.slice(0, queryAt);
  const segments = path.split("/").map((segment) => {
    const used = new Set<string>();
    const filled = fillText(segment, used);
    if (used.size > 0 && isDotSegment(filled)) for (const name of used) dotted.add(name);
    return filled;
  });
  const query = queryAt === -1 ? "" : fillText(template.slice(queryAt), new Set());
  if (missing.size > 0) {
    const names = [...missing].sort();
    throw new TemplateError("missing_variable", names, `No value for ${names.map((n) => `{{${n}}}`).join(", ")}`);
  }
  if (dotted.size > 0) {
    const names = [...dotted].sort();
    throw new TemplateError("invalid_path_value", names, `${names.map((n) => `{{${n}}}`).join(", ")} would make the path segment . or ..`);
  }
  return segments.join("/") + query;
}

/** Every placeholder name in a template (strings at any depth; keys are never templates). */
export function placeholdersIn(template: unknown, into = new Set<string>()): Set<string> {
  if (typeof template === "string") {
    for (const match of template.matchAll(PLACEHOLDER)) into.add(match[1]!);
  } else if (Array.isArray(template)) {
    for (const item of template) placeholdersIn(item, into);
  } else if (template !== null && typeof template === "object") {
    for (const item of Object.values(template)) placeholdersIn(item, into);
  }
  return into;
}

/** Throws `unknown_placeholder` naming every placeholder of `template` that is not in `known`. */
export function checkPlaceholders(template: unknown, known: ReadonlySet<string>, where: string): void {
  const unknown = [...placeholdersIn(template)].filter((name) => !known.has(name)).sort();
  if (unknown.length > 0) {
    throw new TemplateError("unknown_placeholder", unknown, `${where} uses ${unknown.map((n) => `{{${n}}}`).join(", ")}, which no request provides`);
  }
}
