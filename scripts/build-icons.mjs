// Draws the app's icons from web/icon.svg into web/icons/ (committed; run after changing the SVG):
// the PNGs an installed app needs (192 and 512 px, and a maskable 512 px whose artwork sits inside
// the safe zone), a monochrome badge for the status bar of notifications, and /favicon.ico (an ICO
// holding PNG images, as every current browser reads it).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";

const root = path.join(import.meta.dirname, "..");
const out = path.join(root, "web", "icons");
const svg = readFileSync(path.join(root, "web", "icon.svg"), "utf8");

/** The speech bubble alone, for artwork placed on a background of our own. */
const bubble = 'M18 20h28a4 4 0 0 1 4 4v14a4 4 0 0 1-4 4H30l-9 7v-7h-3a4 4 0 0 1-4-4V24a4 4 0 0 1 4-4z';
const BRAND = "#4f46e5";

const png = (source, size) => sharp(Buffer.from(source), { density: 72 * (size / 64) }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();

// Maskable: the platform crops to a circle of 80% of the size (the safe zone), so the bubble, whose
// diagonal is 75% of the size, sits in the middle of a full-bleed square of the brand colour.
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${BRAND}"/><g transform="translate(32 32) scale(1.05) translate(-32 -34.5)"><path d="${bubble}" fill="#fff"/></g></svg>`;
// Badge: Android shows only its alpha channel, white on transparent.
const badge = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><g transform="translate(32 32) scale(1.3) translate(-32 -34.5)"><path d="${bubble}" fill="#fff"/></g></svg>`;

/** An ICO file (ICONDIR, one ICONDIRENTRY per image, then the PNG bytes). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, bytes }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt8(0, entry + 2);
    header.writeUInt8(0, entry + 3);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(bytes.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += bytes.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.bytes)]);
}

mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, "icon-192.png"), await png(svg, 192));
writeFileSync(path.join(out, "icon-512.png"), await png(svg, 512));
writeFileSync(path.join(out, "maskable-512.png"), await png(maskable, 512));
writeFileSync(path.join(out, "badge-96.png"), await png(badge, 96));
writeFileSync(path.join(out, "apple-touch-icon-180.png"), await png(maskable, 180));
writeFileSync(path.join(root, "web", "favicon.ico"), ico([{ size: 16, bytes: await png(svg, 16) }, { size: 32, bytes: await png(svg, 32) }, { size: 48, bytes: await png(svg, 48) }]));
console.log(`icons written to ${path.relative(root, out)} and web/favicon.ico`);
