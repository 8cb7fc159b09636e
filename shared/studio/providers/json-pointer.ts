/** RFC 6901 JSON pointers: where a provider's answer keeps the task id, status, results and error. */

export const JSON_POINTER = /^(\/([^~/]|~[01])*)*$/;

/** The value `pointer` names in `document`, or undefined when there is none ("" is the whole document). */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object" && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}
