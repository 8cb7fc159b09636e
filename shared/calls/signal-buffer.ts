import { MAX_BUFFERED_FRAMES } from "./signalling";

/** The part of a Durable Object's storage the buffer uses. */
export interface SignalStorage {
  list<T>(options: { prefix: string }): Promise<Map<string, T>>;
  put<T>(key: string, value: T): Promise<void>;
  delete(keys: string[]): Promise<number>;
}

const PREFIX = "buffer:";
/** The storage API documents at most 128 keys per `delete`; a full buffer holds more. */
const DELETE_BATCH = 128;

/**
 * Signalling frames for a participant who is not connected (the offer and early candidates sent
 * before the callee's socket opened), kept in the call's storage and handed over, in arrival
 * order, when they connect. At most `max` frames wait per participant.
 */
export class SignalBuffer {
  constructor(
    private readonly storage: SignalStorage,
    private readonly max = MAX_BUFFERED_FRAMES,
  ) {}

  /** Keeps `frame` for `userId`; false, keeping nothing, when `max` frames already wait for them. */
  async hold(userId: string, frame: string): Promise<boolean> {
    const prefix = this.#prefix(userId);
    const held = await this.storage.list({ prefix });
    if (held.size >= this.max) return false;
    // Keys sort in arrival order: the sequence number is zero-padded.
    await this.storage.put(`${prefix}${String(held.size).padStart(4, "0")}`, frame);
    return true;
  }

  /** Hands the frames kept for `userId` to `send`, oldest first, then forgets them; how many there were. */
  async deliver(userId: string, send: (frame: string) => void): Promise<number> {
    const held = await this.storage.list<string>({ prefix: this.#prefix(userId) });
    for (const frame of held.values()) send(frame);
    await this.#delete([...held.keys()]);
    return held.size;
  }

  /** The call is over: every kept frame goes. */
  async clear(): Promise<void> {
    await this.#delete([...(await this.storage.list({ prefix: PREFIX })).keys()]);
  }

  async #delete(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) await this.storage.delete(keys.slice(start, start + DELETE_BATCH));
  }

  #prefix(userId: string): string {
    return `${PREFIX}${userId}:`;
  }
}
