import { hashText } from "./dev-png";
import type { JsonValue } from "./templates";

/**
 * The development text model's answer: JSON that conforms to a JSON Schema, derived only from the
 * prompt (strings are made of its words, numbers sit inside the bounds, arrays have an allowed
 * length), so the same prompt and schema always give the same document.
 */

type SchemaNode = Record<string, unknown>;

const MAX_DEPTH = 12;

function words(prompt: string): string[] {
  const found = prompt.match(/[\p{L}\p{N}]+/gu) ?? [];
  return found.length > 0 ? found : ["draft"];
}

function sentence(prompt: string, key: string, salt: number): string {
  const list = words(prompt);
  const start = salt % list.length;
  const picked = Array.from({ length: Math.min(list.length, 8) }, (_, i) => list[(start + i) % list.length]!).join(" ");
  const label = key ? `${key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ")}: ` : "";
  const text = `${label}${picked}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fitLength(text: string, schema: SchemaNode): string {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  let out = text;
  while ([...out].length < min) out += ` ${text}`;
  const chars = [...out];
  return chars.length > max ? chars.slice(0, max).join("").trimEnd().padEnd(Math.min(min, max), "x") : out;
}

function asciiWord(prompt: string): string {
  return (
    words(prompt)
      .map((w) => w.toLowerCase().replace(/[^a-z0-9]/g, ""))
      .find(Boolean) ?? "draft"
  );
}

function formatted(format: string, prompt: string, salt: number): string | undefined {
  switch (format) {
    case "date-time":
      return new Date(Date.UTC(2026, 0, 1 + (salt % 365), 9, 0, 0)).toISOString();
    case "date":
      return new Date(Date.UTC(2026, 0, 1 + (salt % 365))).toISOString().slice(0, 10);
    case "email":
      return `${asciiWord(prompt)}@example.com`;
    case "uri":
    case "url":
      return `https://example.com/${asciiWord(prompt)}`;
    case "uuid":
      return `00000000-0000-4000-8000-${(salt >>> 0).toString(16).padStart(12, "0").slice(-12)}`;
    default:
      return undefined;
  }
}

function numberIn(schema: SchemaNode, integer: boolean, salt: number): number {
  const exclusiveMin = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : undefined;
  let low = typeof schema.minimum === "number" ? schema.minimum : exclusiveMin !== undefined ? exclusiveMin : 0;
  let high = typeof schema.maximum === "number" ? schema.maximum : exclusiveMax !== undefined ? exclusiveMax : Math.max(low, 0) + 100;
  if (integer) {
    low = exclusiveMin !== undefined && low === exclusiveMin ? Math.floor(low) + 1 : Math.ceil(low);
    high = exclusiveMax !== undefined && high === exclusiveMax ? Math.ceil(high) - 1 : Math.floor(high);
  }
  if (high < low) high = low;
  const step = typeof schema.multipleOf === "number" && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : 0;
  if (step > 0) {
    const first = Math.ceil(low / step) * step;
    const count = Math.max(1, Math.floor((high - first) / step) + 1);
    return first + (salt % count) * step;
  }
  const value = low + ((salt % 1000) / 1000) * (high - low);
  return exclusiveMin !== undefined && value <= exclusiveMin ? (low + high) / 2 : Math.round(value * 100) / 100;
}

function resolveRef(root: SchemaNode, ref: string): SchemaNode | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    node = node && typeof node === "object" ? (node as SchemaNode)[key] : undefined;
  }
  return node && typeof node === "object" ? (node as SchemaNode) : undefined;
}

function generate(root: SchemaNode, schema: unknown, prompt: string, key: string, salt: number, depth: number): JsonValue {
  if (schema === true || schema === undefined || schema === null || typeof schema !== "object") return sentence(prompt, key, salt);
  let node = schema as SchemaNode;
  if (typeof node.$ref === "string") node = resolveRef(root, node.$ref) ?? {};
  if (depth > MAX_DEPTH) return null;
  if ("const" in node) return node.const as JsonValue;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[salt % node.enum.length] as JsonValue;
  for (const combinator of ["allOf", "anyOf", "oneOf"] as const) {
    const branches = node[combinator];
    if (Array.isArray(branches) && branches.length > 0) {
      const merged = combinator === "allOf" ? Object.assign({}, ...branches.map((b) => (b && typeof b === "object" ? b : {}))) : branches[0];
      const { [combinator]: _dropped, ...rest } = node;
      return generate(root, { ...rest, ...merged }, prompt, key, salt, depth + 1);
    }
  }
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [node.properties ? "object" : node.items ? "array" : "string"];
  const type = (types.find((t) => t !== "null") ?? types[0]) as string;
  switch (type) {
    case "object": {
      const out: Record<string, JsonValue> = {};
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      for (const [i, [name, property]] of Object.entries(properties).entries()) {
        out[name] = generate(root, property, prompt, name, mixSalt(salt, i), depth + 1);
      }
      return out;
    }
    case "array": {
      const min = typeof node.minItems === "number" ? node.minItems : 1;
      const max = typeof node.maxItems === "number" ? node.maxItems : Math.max(min, 3);
      const length = Math.max(min, Math.min(max, 2 + (salt % 2)));
      const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
      const items = Array.from({ length }, (_, i) => generate(root, i < prefix.length ? prefix[i] : node.items, prompt, key, mixSalt(salt, i + 1), depth + 1));
      if (node.uniqueItems === true && new Set(items.map((v) => JSON.stringify(v))).size < items.length) {
        const itemSchema = node.items && typeof node.items === "object" ? (node.items as SchemaNode) : {};
        // Numbered at the front, so cutting to maxLength keeps them distinct.
        return items.map((item, i) => (typeof item === "string" ? fitLength(`${i + 1} ${item}`, itemSchema) : item));
      }
      return items;
    }
    case "integer":
      return numberIn(node, true, salt);
    case "number":
      return numberIn(node, false, salt);
    case "boolean":
      return salt % 2 === 0;
    case "null":
      return null;
    default: {
      const special = typeof node.format === "string" ? formatted(node.format, prompt, salt) : undefined;
      return special ?? fitLength(sentence(prompt, key, salt), node);
    }
  }
}

function mixSalt(salt: number, i: number): number {
  return hashText(String(i), salt);
}

/** A document conforming (as far as the keywords above go) to `schema`, made from `prompt`. */
export function documentFor(schema: unknown, prompt: string): JsonValue {
  const root = schema && typeof schema === "object" ? (schema as SchemaNode) : {};
  return generate(root, schema, prompt, "", hashText(prompt, 7), 0);
}
