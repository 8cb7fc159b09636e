// The product's one name (shared/product.json), written in by the build (scripts/build-web.mjs).
declare const __PRODUCT_NAME__: string;

export const PRODUCT_NAME: string = __PRODUCT_NAME__;
