// The product's one name, everywhere a person reads it: the web app (its build reads the same
// file, scripts/build-web.mjs), the hosted sign-in pages, e-mails, public pages, the API documents.
import product from "./product.json";

export const PRODUCT_NAME: string = product.name;
export const PRODUCT_DESCRIPTION: string = product.description;
