/**
 * SHA-256 (FIPS 180-4) whose running state can be saved and restored. A tus upload arrives over
 * many requests, possibly handled by different isolates, and R2 reports no checksum for
 * multipart objects; the platform's crypto digests cannot be paused across requests, so the
 * state between PATCHes is saved (in D1) and the hash continues from it.
 */
import { bytesToHex } from "../ids";
import sha256Wasm from "./sha256.wasm";

const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/**
 * The compression function runs as WebAssembly (scripts/build-sha256-wasm.mjs), about twice as
 * fast as the same in JavaScript. One instance per isolate serves every hash: each call loads a
 * hash's state into it and reads it back, and nothing awaits in between.
 */
const STATE_OFFSET = 0;
const INPUT_OFFSET = 64;
const INPUT_BYTES = 2 * 65536 - INPUT_OFFSET;

interface Sha256Core {
  compress(pointer: number, blocks: number): void;
  state: Int32Array;
  input: Uint8Array;
}

let core: Sha256Core | undefined;

function sha256Core(): Sha256Core {
  if (!core) {
    const exports = new WebAssembly.Instance(sha256Wasm).exports as { memory: WebAssembly.Memory; compress(pointer: number, blocks: number): void };
    core = {
      compress: exports.compress,
      state: new Int32Array(exports.memory.buffer, STATE_OFFSET, 8),
      input: new Uint8Array(exports.memory.buffer, INPUT_OFFSET, INPUT_BYTES),
    };
  }
  return core;
}

/** The saved form: eight state words, bytes hashed so far, and the unprocessed tail (< 64 bytes), as text. */
export type Sha256State = string;

export class ResumableSha256 {
  private readonly h = new Int32Array(INITIAL);
  private readonly pending = new Uint8Array(64);
  private pendingLength = 0;
  private total = 0;

  static restore(saved: Sha256State): ResumableSha256 {
    const [words, total, tail] = saved.split(":");
    const hash = new ResumableSha256();
    if (words?.length !== 64 || total === undefined || tail === undefined || !/^\d+$/.test(total)) {
      throw new Error("Malformed SHA-256 state");
    }
    for (let i = 0; i < 8; i++) hash.h[i] = parseInt(words.slice(i * 8, i * 8 + 8), 16) | 0;
    hash.total = Number(total);
    const tailBytes = hexToBytes(tail);
    if (tailBytes.length >= 64 || hash.total % 64 !== tailBytes.length) throw new Error("Malformed SHA-256 state");
    hash.pending.set(tailBytes);
    hash.pendingLength = tailBytes.length;
    return hash;
  }

  get bytesHashed(): number {
    return this.total;
  }

  save(): Sha256State {
    const words = Array.from(this.h, (x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
    return `${words}:${this.total}:${bytesToHex(this.pending.subarray(0, this.pendingLength))}`;
  }

  update(data: Uint8Array): this {
    let offset = 0;
    this.total += data.length;
    if (this.pendingLength > 0) {
      const take = Math.min(64 - this.pendingLength, data.length);
      this.pending.set(data.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength < 64) return this;
      this.compress(this.pending);
      this.pendingLength = 0;
    }
    const whole = data.length - ((data.length - offset) % 64);
    if (offset < whole) this.compress(data.subarray(offset, whole));
    offset = whole;
    if (offset < data.length) {
      this.pending.set(data.subarray(offset), 0);
      this.pendingLength = data.length - offset;
    }
    return this;
  }

  /** The digest of everything so far, as lowercase hex; the running state is left as it was. */
  hex(): string {
    const copy = ResumableSha256.restore(this.save());
    const bits = copy.total * 8;
    const padLength = copy.pendingLength < 56 ? 56 - copy.pendingLength : 120 - copy.pendingLength;
    const padding = new Uint8Array(padLength + 8);
    padding[0] = 0x80;
    const view = new DataView(padding.buffer);
    view.setUint32(padLength, Math.floor(bits / 0x100000000));
    view.setUint32(padLength + 4, bits >>> 0);
    copy.update(padding);
    return Array.from(copy.h, (x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
  }

  /** Runs the compression function over whole 64-byte blocks. */
  private compress(blocks: Uint8Array): void {
    const { compress, state, input } = sha256Core();
    state.set(this.h);
    for (let at = 0; at < blocks.length; at += INPUT_BYTES) {
      const window = blocks.subarray(at, at + INPUT_BYTES);
      input.set(window);
      compress(INPUT_OFFSET, window.length / 64);
    }
    this.h.set(state);
  }
}

function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) throw new Error("Malformed SHA-256 state");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
