/** Where resized variants of some bytes are cached: under the bytes' hash, so they go with the blob. */
export const variantPrefix = (sha256: string) => `variants/${sha256}/`;

/**
 * The cache key of one variant of a file: per owner of the file, inside the bytes' prefix. Shared by
 * everyone with the same bytes, a cached variant would answer faster and so tell a user that someone
 * else stored bytes they hold; per owner it only ever reflects the owner's own requests (and those
 * for the owner's public files). Per owner rather than per file: an owner who deletes a file and
 * uploads the bytes again reuses its variants instead of piling up new ones until the blob goes.
 */
export const variantKey = (sha256: string, ownerId: string, name: string) => `${variantPrefix(sha256)}${ownerId}/${name}`;
