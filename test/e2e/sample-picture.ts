// A real picture for the browser tests, drawn in code and encoded as PNG with Node's zlib: a sky,
// a sun and two hills, so a screenshot shows at a glance that the image arrived whole.
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function landscapePng(width = 480, height = 320): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const t = y / height;
      let rgb = [Math.round(255 - 90 * t), Math.round(170 + 40 * t), Math.round(120 + 120 * t)];
      if (Math.hypot(x - width * 0.68, y - height * 0.38) < height * 0.14) rgb = [255, 214, 102];
      if (y > height * (0.7 - 0.12 * Math.sin((x / width) * Math.PI))) rgb = [67, 140, 96];
      if (y > height * (0.82 - 0.08 * Math.sin((x / width) * Math.PI * 2 + 1))) rgb = [46, 107, 74];
      rows.set(rgb, row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
