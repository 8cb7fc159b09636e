import { hashText } from "./dev-png";
import type { JsonValue } from "./templates";

/**
 * The development text model's answer: JSON that conforms to a JSON Schema, derived only from the
 * prompt, so the same prompt and schema always give the same document. It echoes what the prompt
 * quotes (the platform's prompts put what a person wrote in JSON strings: a profile, a title, a
 * recruiter's notes), so a draft reads like the person's own words, not like the instructions
 * around them: long strings are those words in order, short ones one of their sentences, slugs
 * one of their words (not a value another field's enum takes: a role is not "full-time"), an enum
 * the value they mention, a boolean whether they name it ("remote"), numbers the figures they give
 * (within the bounds), arrays as many distinct items as there is to say. A sentence or word one
 * field said is not said again by another while there are others ("gaps" do not repeat
 * "strengths"): a list with no minimum is empty when everything was said.
 */

type SchemaNode = Record<string, unknown>;

const MAX_DEPTH = 12;
/** A string allowed this many characters or more is a text: it gets all the material, in order. */
const TEXT_LENGTH = 500;
/** A string allowed at most this many characters is a name or a slug: it gets one word. */
const WORD_LENGTH = 40;

/** What a person wrote, as the prompt quotes it: its sentences, words and figures. */
interface Material {
  sentences: string[];
  /** The sentences of more than one word (single words are tags and names). */
  prose: string[];
  words: string[];
  numbers: number[];
  text: string;
}

/**
 * The JSON string values in the prompt (not object keys), or the whole prompt when it quotes
 * nothing (a studio prompt is a person's words throughout).
 */
function quotedOf(prompt: string): string[] {
  const found: string[] = [];
  for (const match of prompt.matchAll(/"(?:[^"\\\n]|\\.)*"/g)) {
    if (/^\s*:/.test(prompt.slice(match.index + match[0].length))) continue;
    try {
      const value = (JSON.parse(match[0]) as string).trim();
      // An address, a media type or a file name is not something a person would say.
      if (value && !/^\S*\/\S*$|^[\w.-]+\.[a-z0-9]{2,4}$|^\S+@\S+$/i.test(value)) found.push(value);
    } catch {
      // not a JSON string (a quote in prose): not material
    }
  }
  return found.length > 0 ? found : [prompt];
}

function materialOf(prompt: string): Material {
  const quoted = quotedOf(prompt);
  const sentences = [
    ...new Set(
      quoted
        .flatMap((value) => value.split(/(?<=[.!?])\s+|\s*\n+\s*/u))
        .map((sentence) => sentence.trim())
        .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence)),
    ),
  ];
  const all = quoted.join("\n");
  const words = [...new Set(all.match(/[\p{L}\p{N}][\p{L}\p{N}+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu) ?? [])];
  // Figures as people write them: "70000", "70,000", "72.5", "70k", and "70-90k" for 70000 to 90000.
  const numbers = [...all.matchAll(/(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?=(\s*[-–]\s*\d+(?:\.\d+)?)?\s*([kK]\b)?)/g)]
    .filter((match) => !/[\d.,]/.test(all.charAt(match.index - 1)))
    .map(([, figure, , thousands]) => Number(figure!.replace(/,/g, "")) * (thousands ? 1000 : 1));
  // A text is what was said in sentences: single words (tags) are left to the lists and slugs.
  const prose = sentences.filter((sentence) => /\s/.test(sentence));
  return {
    sentences: sentences.length > 0 ? sentences : ["Draft"],
    prose,
    words: words.length > 0 ? words : ["draft"],
    numbers,
    text: (prose.length > 0 ? prose : sentences).map((sentence) => (/[.!?]$/.test(sentence) ? sentence : `${sentence}.`)).join(" ") || "Draft",
  };
}

/** A start in a list that differs from field to field ("strengths" and "gaps" do not begin alike), plus the item's place in its array. */
function pick<T>(list: readonly T[], key: string, ordinal: number): T {
  return list[(hashText(key, 11) + ordinal) % list.length]!;
}

/** At most `max` characters, cut after a whole word where there is one. */
function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join("");
  const space = head.lastIndexOf(" ");
  return (space > max / 2 ? head.slice(0, space) : head).trimEnd();
}

function fitLength(text: string, schema: SchemaNode): string {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  let out = text;
  while ([...out].length < min) out += ` ${text}`;
  return [...out].length > max ? cut(out, max).padEnd(Math.min(min, max), "x") : out;
}

/** The distinct strings a field of this length may take, in the material's order. */
function stringChoices(material: Material, schema: SchemaNode): string[] {
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  if (max > WORD_LENGTH) {
    // A line of its own (a strength, a reason, a talking point): what was said in more than a word.
    return material.prose.length > 0 ? material.prose : material.sentences;
  }
  // A name or slug: a part of a sentence that is one word (a tag as the person wrote it), else a word that says something.
  const single = [...new Set(material.sentences.flatMap((sentence) => sentence.split(/[,;]\s*|\s+and\s+/)))]
    .map((part) => part.replace(/[.!?]+$/, "").trim())
    .filter((part) => part && !/\s/.test(part) && [...part].length <= max);
  if (single.length > 0) return single;
  const long = material.words.filter((word) => [...word].length >= 4);
  return long.length > 0 ? long : material.words;
}

/** The choices no field has said yet. */
function unsaid(context: Context, choices: string[]): string[] {
  return choices.filter((choice) => !context.said.has(choice.toLowerCase()));
}

/** A name or slug's choices without the values of the schema's enums (those say another field: "full-time", "senior"). */
function wordChoices(context: Context, schema: SchemaNode): string[] {
  const choices = stringChoices(context.material, schema);
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  if (max > WORD_LENGTH) return choices;
  const free = choices.filter((choice) => !context.enumValues.has(choice.toLowerCase()));
  return free.length > 0 ? free : choices;
}

function stringFor(context: Context, schema: SchemaNode, key: string, ordinal: number): string {
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  if (max >= TEXT_LENGTH && ordinal === 0) return fitLength(context.material.text, schema);
  const choices = wordChoices(context, schema);
  const fresh = unsaid(context, choices);
  // Said again only when every choice was said.
  const chosen = pick(fresh.length > 0 ? fresh : choices, key, ordinal);
  context.said.add(chosen.toLowerCase());
  return fitLength(chosen, schema);
}

/** Whether the material names the field: every word of its name ("remote", "isRemote", "has_parking") but "is" and "has". */
function named(material: Material, key: string): boolean {
  const words = new Set(material.words.map((word) => word.toLowerCase()));
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part && part !== "is" && part !== "has");
  return parts.length > 0 && parts.every((part) => words.has(part));
}

/** Every string an enum of the schema takes, lower case (a `$ref`'d one too, through `$defs`). */
function enumValuesOf(schema: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return found;
  if (Array.isArray(schema)) {
    for (const item of schema) enumValuesOf(item, found, depth + 1);
    return found;
  }
  const node = schema as SchemaNode;
  if (Array.isArray(node.enum)) for (const value of node.enum) if (typeof value === "string") found.add(value.toLowerCase());
  for (const [name, value] of Object.entries(node)) if (name !== "enum" && name !== "const") enumValuesOf(value, found, depth + 1);
  return found;
}

/** The enum's values the material names first (as a word, "full-time" also as "full time"), then the rest in the schema's order. */
function enumOrder(values: readonly unknown[], material: Material): unknown[] {
  const text = ` ${material.sentences
    .join(" ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")} `;
  const named = values.filter(
    (value) =>
      typeof value === "string" &&
      text.includes(
        ` ${value
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, " ")
          .trim()} `,
      ),
  );
  return [...named, ...values.filter((value) => !named.includes(value))];
}

function asciiWord(material: Material): string {
  return material.words.map((w) => w.toLowerCase().replace(/[^a-z0-9]/g, "")).find(Boolean) ?? "draft";
}

function formatted(format: string, material: Material, salt: number): string | undefined {
  switch (format) {
    case "date-time":
      return new Date(Date.UTC(2026, 0, 1 + (salt % 365), 9, 0, 0)).toISOString();
    case "date":
      return new Date(Date.UTC(2026, 0, 1 + (salt % 365))).toISOString().slice(0, 10);
    case "email":
      return `${asciiWord(material)}@example.com`;
    case "uri":
    case "url":
      return `https://example.com/${asciiWord(material)}`;
    case "uuid":
      return `00000000-0000-4000-8000-${(salt >>> 0).toString(16).padStart(12, "0").slice(-12)}`;
    default:
      return undefined;
  }
}

/** A figure the material gives that fits the bounds, else one near the lower bound (a count, a share, a time; not millions). */
function numberIn(context: Context, schema: SchemaNode, integer: boolean, salt: number): number {
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
  const fits = (n: number) =>
    n >= low &&
    n <= high &&
    (exclusiveMin === undefined || n > exclusiveMin) &&
    (exclusiveMax === undefined || n < exclusiveMax) &&
    (step === 0 || Number.isInteger(Math.round((n / step) * 1e9) / 1e9));
  // The figures in the order they were given, field after field ("70-90k": the first bound 70000, the second 90000).
  const { numbers } = context.material;
  for (let seen = 0; seen < numbers.length; seen++) {
    const at = (context.nextNumber + seen) % numbers.length;
    if (!fits(numbers[at]!)) continue;
    context.nextNumber = at + 1;
    return numbers[at]!;
  }
  high = Math.min(high, low + 100);
  if (step > 0) {
    let first = Math.ceil(low / step) * step;
    if (exclusiveMin !== undefined && first <= exclusiveMin) first += step;
    let last = Math.floor(high / step) * step;
    if (exclusiveMax !== undefined && last >= exclusiveMax) last -= step;
    const count = Math.max(1, Math.floor((last - first) / step) + 1);
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

interface Context {
  root: SchemaNode;
  material: Material;
  /** What string fields said so far, lower case: another field says something else while it can. */
  said: Set<string>;
  /** The values the schema's enums take, lower case: not words for a free field. */
  enumValues: Set<string>;
  /** Where the next number field starts looking among the material's figures. */
  nextNumber: number;
}

/** `ordinal` is the value's place in the array it is an item of (0 elsewhere): items differ from each other. */
function generate(context: Context, schema: unknown, key: string, salt: number, ordinal: number, depth: number): JsonValue {
  const { root, material } = context;
  if (schema === true || schema === undefined || schema === null || typeof schema !== "object") return stringFor(context, {}, key, ordinal);
  let node = schema as SchemaNode;
  if (typeof node.$ref === "string") node = resolveRef(root, node.$ref) ?? {};
  if (depth > MAX_DEPTH) return null;
  if ("const" in node) return node.const as JsonValue;
  if (Array.isArray(node.enum) && node.enum.length > 0) {
    const order = enumOrder(node.enum, material);
    return order[ordinal % order.length] as JsonValue;
  }
  for (const combinator of ["allOf", "anyOf", "oneOf"] as const) {
    const branches = node[combinator];
    if (Array.isArray(branches) && branches.length > 0) {
      const merged = combinator === "allOf" ? Object.assign({}, ...branches.map((b) => (b && typeof b === "object" ? b : {}))) : branches[0];
      const { [combinator]: _dropped, ...rest } = node;
      return generate(context, { ...rest, ...merged }, key, salt, ordinal, depth + 1);
    }
  }
  const type = typeOf(node);
  switch (type) {
    case "object": {
      const out: Record<string, JsonValue> = {};
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      for (const [i, [name, property]] of Object.entries(properties).entries()) {
        out[name] = generate(context, property, name, mixSalt(salt, i), ordinal, depth + 1);
      }
      return out;
    }
    case "array": {
      const itemSchema = node.items && typeof node.items === "object" ? (node.items as SchemaNode) : {};
      // As many items as there is to say, up to three: strings no field said yet, or objects that each say a sentence (timed cues); else one.
      const available = saysSomething(itemSchema)
        ? unsaid(context, wordChoices(context, itemSchema)).length
        : saysSentences(itemSchema)
          ? material.sentences.length
          : 1;
      // A list without a minimum is empty when everything was said; one with a minimum says things again.
      const min = typeof node.minItems === "number" ? node.minItems : available > 0 ? 1 : 0;
      const max = typeof node.maxItems === "number" ? node.maxItems : Math.max(min, 3);
      const length = Math.max(min, Math.min(max, 3, available));
      const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
      const items = Array.from({ length }, (_, i) =>
        generate(context, i < prefix.length ? prefix[i] : node.items, key, mixSalt(salt, i + 1), ordinal + i, depth + 1),
      );
      if (node.uniqueItems === true && new Set(items.map((v) => JSON.stringify(v))).size < items.length) {
        // Numbered at the front, so cutting to maxLength keeps them distinct.
        return items.map((item, i) => (typeof item === "string" ? fitLength(`${i + 1} ${item}`, itemSchema) : item));
      }
      return items;
    }
    case "integer":
      return numberIn(context, node, true, salt);
    case "number":
      return numberIn(context, node, false, salt);
    case "boolean":
      return named(material, key);
    case "null":
      return null;
    default: {
      const special = typeof node.format === "string" ? formatted(node.format, material, salt) : undefined;
      return special ?? stringFor(context, node, key, ordinal);
    }
  }
}

/** A free string (not an enum, not a formatted value). */
function saysSomething(node: SchemaNode): boolean {
  return typeOf(node) === "string" && !Array.isArray(node.enum) && !("const" in node) && typeof node.format !== "string";
}

/** An object with a free string longer than a word among its properties. */
function saysSentences(node: SchemaNode): boolean {
  const properties = typeOf(node) === "object" && node.properties && typeof node.properties === "object" ? Object.values(node.properties) : [];
  return properties.some((property) => {
    if (!property || typeof property !== "object") return false;
    const max = (property as SchemaNode).maxLength;
    return saysSomething(property as SchemaNode) && !(typeof max === "number" && max <= WORD_LENGTH);
  });
}

function typeOf(node: SchemaNode): string {
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [node.properties ? "object" : node.items ? "array" : "string"];
  return (types.find((t) => t !== "null") ?? types[0]) as string;
}

function mixSalt(salt: number, i: number): number {
  return hashText(String(i), salt);
}

/** A document conforming (as far as the keywords above go) to `schema`, made from `prompt`. */
export function documentFor(schema: unknown, prompt: string): JsonValue {
  const root = schema && typeof schema === "object" ? (schema as SchemaNode) : {};
  return generate(
    { root, material: materialOf(prompt), nextNumber: 0, said: new Set(), enumValues: enumValuesOf(schema) },
    schema,
    "",
    hashText(prompt, 7),
    0,
    0,
  );
}
