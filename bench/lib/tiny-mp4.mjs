// A tiny well-formed MP4 made in code (no downloads), for the video tests and bench:views.

/** An ISO BMFF box: 32-bit size, 4-character type, payload. */
function box(type, ...payloads) {
  const size = 8 + payloads.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(new TextEncoder().encode(type), 4);
  let at = 8;
  for (const payload of payloads) {
    out.set(payload, at);
    at += payload.length;
  }
  return out;
}

function u32(...values) {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v));
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * `ftyp` (isom), a `moov` with its `mvhd` (1 s at 1000 Hz) and an `mdat` of `payloadBytes` bytes
 * (random, so each upload is new content).
 */
export function tinyMp4(payloadBytes = 2048) {
  const text = (s) => new TextEncoder().encode(s);
  const ftyp = box("ftyp", text("isom"), u32(0x200), text("isomiso2mp41"));
  const matrix = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
  const mvhd = box("mvhd", u32(0, 0, 0, 1000, 1000, 0x10000), new Uint8Array([0x01, 0x00, 0, 0]), new Uint8Array(8), matrix, new Uint8Array(24), u32(2));
  const payload = new Uint8Array(payloadBytes);
  crypto.getRandomValues(payload.subarray(0, Math.min(payloadBytes, 65536)));
  return concat(ftyp, box("moov", mvhd), box("mdat", payload));
}
