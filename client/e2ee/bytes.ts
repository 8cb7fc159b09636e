import { base64url, bytesToHex, fromBase64url as fromBase64urlBytes } from "../../shared/ids";

export const toBase64url = base64url;
export const toHex = bytesToHex;

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(fromBase64urlBytes(text));
}

export const utf8 = new TextEncoder();
export const fromUtf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A copy on an ArrayBuffer of its own: what Web Crypto takes as a BufferSource in every lib. */
export const ownBytes = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);
