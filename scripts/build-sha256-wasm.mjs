// Writes shared/media/sha256.wasm: the SHA-256 compression function (FIPS 180-4) as WebAssembly,
// generated here as WebAssembly text with the 64 rounds unrolled and compiled with wabt. The
// module is committed because production Workers refuse to compile WebAssembly from bytes at run
// time: it is imported as a precompiled module. Run `npm run build:sha256-wasm` after changing
// this file; a test checks that the committed module is what this script produces.
//
// Memory layout: bytes 0-31 hold the eight state words (little-endian i32), the input to
// compress starts at INPUT_OFFSET. compress(pointer, blocks) runs the compression function over
// `blocks` 64-byte blocks from `pointer` and leaves the new state in bytes 0-31.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import createWabt from "wabt";

export const INPUT_OFFSET = 64;
/** Input bytes per call: the input window fills the rest of two 64 KiB pages. */
export const INPUT_BYTES = 2 * 65536 - INPUT_OFFSET;

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const get = (name) => `(local.get $${name})`;
const rotr = (x, n) => `(i32.rotr ${x} (i32.const ${n}))`;
const shr = (x, n) => `(i32.shr_u ${x} (i32.const ${n}))`;
const xor3 = (x, y, z) => `(i32.xor (i32.xor ${x} ${y}) ${z})`;
const add = (...terms) => terms.reduce((sum, term) => `(i32.add ${sum} ${term})`);
const hex = (n) => `0x${n.toString(16).padStart(8, "0")}`;

/** The text of the module. */
export function sha256Wat() {
  const lines = [];
  const emit = (line) => lines.push(`      ${line}`);
  const state = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const w = (i) => `w${i % 16}`;

  // Working variables are renamed each round instead of moved: after 64 rounds they are back in place.
  let [a, b, c, d, e, f, g, h] = state;
  for (let i = 0; i < 64; i++) {
    if (i < 16) {
      // Big-endian words: a byte swap of the little-endian load, by two rotations and masks.
      emit(`(local.set $${w(i)} (i32.load offset=${i * 4} ${get("p")}))`);
      emit(`(local.set $${w(i)} (i32.or (i32.and ${`(i32.rotl ${get(w(i))} (i32.const 8))`} (i32.const 0x00ff00ff)) (i32.and ${rotr(get(w(i)), 8)} (i32.const 0xff00ff00))))`);
    } else {
      const s0 = xor3(rotr(get(w(i - 15)), 7), rotr(get(w(i - 15)), 18), shr(get(w(i - 15)), 3));
      const s1 = xor3(rotr(get(w(i - 2)), 17), rotr(get(w(i - 2)), 19), shr(get(w(i - 2)), 10));
      emit(`(local.set $${w(i)} ${add(get(w(i)), s0, get(w(i - 7)), s1)})`);
    }
    const S1 = xor3(rotr(get(e), 6), rotr(get(e), 11), rotr(get(e), 25));
    const ch = `(i32.xor ${get(g)} (i32.and ${get(e)} (i32.xor ${get(f)} ${get(g)})))`;
    const S0 = xor3(rotr(get(a), 2), rotr(get(a), 13), rotr(get(a), 22));
    // Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's a ^ b is the next round's b ^ c.
    const [ab, bc] = i % 2 === 0 ? ["x0", "x1"] : ["x1", "x0"];
    emit(`(local.set $${ab} (i32.xor ${get(a)} ${get(b)}))`);
    const maj = `(i32.xor ${get(b)} (i32.and ${get(ab)} ${get(bc)}))`;
    emit(`(local.set $t ${add(get(h), S1, ch, `(i32.const ${hex(K[i])})`, get(w(i)))})`);
    emit(`(local.set $${d} (i32.add ${get(d)} ${get("t")}))`);
    emit(`(local.set $${h} ${add(get("t"), S0, maj)})`);
    [a, b, c, d, e, f, g, h] = [h, a, b, c, d, e, f, g];
  }
  const rounds = lines.join("\n");

  const locals = [...state, ...Array.from({ length: 16 }, (_, i) => `w${i}`), "t", "x0", "x1"].map((name) => `(local $${name} i32)`).join(" ");
  const load = state.map((name, i) => `      (local.set $${name} (i32.load offset=${i * 4} (i32.const 0)))`).join("\n");
  const store = state.map((name, i) => `      (i32.store offset=${i * 4} (i32.const 0) (i32.add (i32.load offset=${i * 4} (i32.const 0)) ${get(name)}))`).join("\n");
  return `(module
  (memory (export "memory") 2 2)
  (func (export "compress") (param $p i32) (param $blocks i32)
    ${locals}
    (block $done
      (loop $block
      (br_if $done (i32.eqz ${get("blocks")}))
${load}
      (local.set $x1 (i32.xor ${get("b")} ${get("c")}))
${rounds}
${store}
      (local.set $p (i32.add ${get("p")} (i32.const 64)))
      (local.set $blocks (i32.sub ${get("blocks")} (i32.const 1)))
      (br $block)))))
`;
}

/** The binary module. */
export async function sha256Wasm() {
  const wabt = await createWabt();
  const parsed = wabt.parseWat("sha256.wat", sha256Wat());
  try {
    parsed.validate();
    return Buffer.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

export const sha256WasmPath = fileURLToPath(new URL("../shared/media/sha256.wasm", import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--wat")) process.stdout.write(sha256Wat());
  else writeFileSync(sha256WasmPath, await sha256Wasm());
}
