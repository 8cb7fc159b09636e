/**
 * The development provider's "model": a PNG that depends only on the prompt and the seed, drawn
 * without any network (a gradient, bands and discs in colours taken from a hash of both). Encoded
 * here: 8-bit RGB rows compressed with the platform's zlib (`CompressionStream("deflate")`).
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** FNV-1a of the text, then mixed: a 32-bit seed for the picture. */
export function hashText(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A small deterministic generator (xorshift32). */
function sequence(seed: number): () => number {
  let state = seed || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The raw rows (each led by filter byte 0) of the picture for `prompt` and `seed`. */
export function renderRows(prompt: string, seed: number, width: number, height: number): Uint8Array {
  const random = sequence(hashText(prompt, seed));
  const colour = () => [Math.floor(random() * 256), Math.floor(random() * 256), Math.floor(random() * 256)] as const;
  const from = colour();
  const to = colour();
  const discs = Array.from({ length: 3 + Math.floor(random() * 4) }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.08 + random() * 0.25) * Math.min(width, height),
    colour: colour(),
  }));
  const bandEvery = 4 + Math.floor(random() * 12);
  const rowBytes = 1 + width * 3;
  const rows = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const base = y * rowBytes;
    rows[base] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      let r = from[0] + (to[0] - from[0]) * t;
      let g = from[1] + (to[1] - from[1]) * t;
      let b = from[2] + (to[2] - from[2]) * t;
      if (Math.floor((x + y) / bandEvery) % 2 === 0) {
        r *= 0.92;
        g *= 0.92;
        b *= 0.92;
      }
      for (const disc of discs) {
        const dx = x - disc.x;
        const dy = y - disc.y;
        if (dx * dx + dy * dy <= disc.r * disc.r) [r, g, b] = disc.colour;
      }
      const at = base + 1 + x * 3;
      rows[at] = r;
      rows[at + 1] = g;
      rows[at + 2] = b;
    }
  }
  return rows;
}

/** A PNG file of `width` x `height` pixels drawn from `prompt` and `seed`; the same inputs give the same bytes. */
export async function renderPng(prompt: string, seed: number, width: number, height: number): Promise<Uint8Array> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const idat = await deflate(renderRows(prompt, seed, width, height));
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
