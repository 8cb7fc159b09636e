/** Where resized variants of some bytes are cached: under the bytes' hash, so they go with the blob. */
export const variantPrefix = (sha256: string) => `variants/${sha256}/`;
