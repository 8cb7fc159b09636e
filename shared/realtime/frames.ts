import type { z } from "zod";
import type { FrameErrorCode } from "./socket-kit";

/** Largest client frame any socket accepts; bigger ones are refused with an error frame. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

export type FrameParseResult<T> = { ok: true; frame: T } | { ok: false; code: FrameErrorCode; detail: string };

/** Frame schemas by their `type`. */
export type FrameSchemas = Record<string, z.ZodType<{ type: string }>>;

export type FrameOf<S extends FrameSchemas> = z.infer<S[keyof S]>;

/**
 * Parses a text frame as JSON and validates it against the schema of its `type`. Every
 * failure comes back as a stable code for an `error` frame; nothing here throws.
 */
export function parseFrame<S extends FrameSchemas>(message: string | ArrayBuffer, schemas: S, maxBytes = MAX_CLIENT_FRAME_BYTES): FrameParseResult<FrameOf<S>> {
  if (typeof message !== "string") return { ok: false, code: "binary_not_supported", detail: "Frames are JSON text" };
  if (message.length > maxBytes) return { ok: false, code: "frame_too_large", detail: `Frames are at most ${maxBytes} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, code: "malformed_frame", detail: "Frame is not valid JSON" };
  }
  const type = json && typeof json === "object" && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  if (typeof type !== "string") return { ok: false, code: "malformed_frame", detail: "Frame must be an object with a string type" };
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!schema) return { ok: false, code: "unknown_frame_type", detail: `Unknown frame type ${JSON.stringify(type.slice(0, 40))}` };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, code: "invalid_frame", detail: issue ? `${issue.path.join(".") || type}: ${issue.message}` : "Invalid frame" };
  }
  return { ok: true, frame: parsed.data as FrameOf<S> };
}

/**
 * A table of schemas built on its first use, not at import: a realtime isolate holds every socket
 * object's class, and one that wakes a chat room never parses a call's frames (bench:startup).
 * Reads, key listings and spreads go to the table, built once.
 */
export function builtOnFirstUse<T extends object>(build: () => T): T {
  let table: T | undefined;
  const built = () => {
    table ??= build();
    return table;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(built(), key),
    has: (_, key) => Reflect.has(built(), key),
    ownKeys: () => Reflect.ownKeys(built()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(built(), key);
      // The proxy's own target is empty and extensible, so a found key must read as configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
