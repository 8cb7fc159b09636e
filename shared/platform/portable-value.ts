/**
 * Values of SQLite rows and of Durable Object key-value storage as JSON, and back, for backups:
 * JSON alone would turn bytes into `{}`, drop `undefined` and turn a Date into a string that
 * restores as a string. A value JSON keeps as it is stays as it is (almost every row), so a
 * backup file stays readable; anything else becomes an object tagged with `$`.
 */
export type PortableValue = null | boolean | number | string | PortableValue[] | { [key: string]: PortableValue };

const TAG = "$";

function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function bytesOf(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toPortable(value: unknown): PortableValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (value === undefined) return { [TAG]: "undefined" };
  if (typeof value === "number") return Number.isFinite(value) ? value : { [TAG]: "number", value: String(value) };
  if (typeof value === "bigint") return { [TAG]: "bigint", value: value.toString() };
  if (value instanceof ArrayBuffer) return { [TAG]: "bytes", base64: base64Of(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value))
    return { [TAG]: "bytes", base64: base64Of(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)), view: value.constructor.name };
  if (value instanceof Date) return { [TAG]: "date", value: value.toISOString() };
  if (value instanceof Map) return { [TAG]: "map", entries: [...value].map(([k, v]) => [toPortable(k), toPortable(v)]) };
  if (value instanceof Set) return { [TAG]: "set", values: [...value].map(toPortable) };
  if (Array.isArray(value)) return value.map(toPortable);
  if (typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, toPortable(v)] as const);
    // An object that has a `$` key of its own is wrapped, so it is never read back as a tag.
    if (TAG in value) return { [TAG]: "object", entries: entries.map(([k, v]) => [k, v]) };
    return Object.fromEntries(entries);
  }
  throw new TypeError(`A ${typeof value} cannot be backed up`);
}

const VIEWS: Record<string, (bytes: Uint8Array) => ArrayBufferView> = {
  Uint8Array: (b) => b,
  Int8Array: (b) => new Int8Array(b.buffer),
  Uint16Array: (b) => new Uint16Array(b.buffer),
  Int16Array: (b) => new Int16Array(b.buffer),
  Uint32Array: (b) => new Uint32Array(b.buffer),
  Int32Array: (b) => new Int32Array(b.buffer),
  Float32Array: (b) => new Float32Array(b.buffer),
  Float64Array: (b) => new Float64Array(b.buffer),
  DataView: (b) => new DataView(b.buffer),
};

function pairs(entries: PortableValue | undefined): [PortableValue, PortableValue][] {
  if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2)) throw new TypeError("Entries must be [key, value] pairs");
  return entries as [PortableValue, PortableValue][];
}

export function fromPortable(value: PortableValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromPortable);
  const tag = value[TAG];
  if (typeof tag !== "string") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromPortable(v)]));
  switch (tag) {
    case "undefined":
      return undefined;
    case "number":
      return Number(value.value);
    case "bigint":
      return BigInt(String(value.value));
    case "bytes": {
      if (typeof value.base64 !== "string") throw new TypeError("Bytes need their base64");
      const bytes = bytesOf(value.base64);
      const view = typeof value.view === "string" ? VIEWS[value.view] : undefined;
      // SQLite answers BLOBs as ArrayBuffer and binds ArrayBuffer back: no view means a plain buffer.
      return view ? view(bytes) : bytes.buffer;
    }
    case "date":
      return new Date(String(value.value));
    case "map":
      return new Map(pairs(value.entries).map(([k, v]) => [fromPortable(k), fromPortable(v)]));
    case "set":
      if (!Array.isArray(value.values)) throw new TypeError("A set needs its values");
      return new Set(value.values.map(fromPortable));
    case "object":
      return Object.fromEntries(pairs(value.entries).map(([k, v]) => [String(k), fromPortable(v)]));
    default:
      throw new TypeError(`Unknown backup value tag ${tag}`);
  }
}

/** Whether `value` (parsed JSON from a restore request) reads back without an error. */
export function isPortable(value: unknown): boolean {
  try {
    fromPortable(value as PortableValue);
    return true;
  } catch {
    return false;
  }
}
