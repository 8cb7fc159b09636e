/**
 * Where a device keeps its MLS secrets: its signature key, the private halves of its key
 * packages, and each group's state. Injected: memory in Node and tests; in the browser an
 * IndexedDB store of the web app (this library is type-checked without the DOM).
 * Values are bytes; keys are short strings (`device`, `kp:<ref>`, `group:<chatId>`).
 */
export interface E2eeStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

export class MemoryE2eeStore implements E2eeStore {
  private readonly values = new Map<string, Uint8Array>();
  async get(key: string) {
    return this.values.get(key);
  }
  async put(key: string, value: Uint8Array) {
    this.values.set(key, value.slice());
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  async keys(prefix: string) {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix));
  }
}
