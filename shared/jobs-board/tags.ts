import { badRequest } from "../http/errors";

/** Most tags a profile or a vacancy holds. */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;

const TAG_CHARACTERS = /^[\p{L}\p{N}+#._-]+$/u;

/**
 * One spelling per tag: Unicode NFKC, lower case, inner spaces as `-`. "Node JS", "node  js" and
 * "ＮＯＤＥ js" are all `node-js`; repeats collapse, keeping the first one's place.
 */
export function normalizeTag(tag: string): string {
  return tag.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, "-");
}

/** Normalised, deduplicated tags; a tag with other characters, or more than MAX_TAGS, is 400. */
export function normalizeTags(tags: readonly string[], field = "tags"): string[] {
  const out: string[] = [];
  for (const [index, raw] of tags.entries()) {
    const tag = normalizeTag(raw);
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || !TAG_CHARACTERS.test(tag)) {
      throw badRequest("invalid_tag", `Tag ${JSON.stringify(raw)} is not valid`, [
        { path: `${field}.${index}`, message: `1-${MAX_TAG_LENGTH} letters, digits or + # . _ -` },
      ]);
    }
    if (!out.includes(tag)) out.push(tag);
  }
  if (out.length > MAX_TAGS)
    throw badRequest("too_many_tags", `At most ${MAX_TAGS} distinct tags`, [{ path: field, message: `At most ${MAX_TAGS} distinct tags` }]);
  return out;
}
