import { bytesToHex } from "../../ids";

/**
 * Ids derived from an asset id and a label ("file:0", "thumb:0", "asset:1"...): the same inputs
 * always give the same id, so a step repeated after a redelivery finds what it made before instead
 * of making a second file, blob reference or asset. They keep the asset id's time prefix (UUIDv7
 * layout), so they sort with it.
 */
export async function derivedId(assetId: string, label: string): Promise<string> {
  const hex = bytesToHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${assetId}\n${label}`)));
  const time = assetId.replace(/-/g, "").slice(0, 12).padEnd(12, "0");
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex.slice(0, 3)}-${variant}${hex.slice(3, 6)}-${hex.slice(6, 18)}`;
}
