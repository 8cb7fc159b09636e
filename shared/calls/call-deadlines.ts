import type { Clock } from "../platform/deps-types";

/**
 * What a CallSession waits for: the ring timeout (a call still ringing becomes missed), the
 * abandoned-call check (an answered call nobody is connected to is ended) and a retry of the D1
 * mirror of the call.
 */
export type CallDeadline = "ring" | "abandoned" | "sync";

/** The part of a Durable Object's storage the deadlines use. */
export interface DeadlineStorage {
  list<T>(options: { prefix: string }): Promise<Map<string, T>>;
  put<T>(key: string, value: T): Promise<void>;
  delete(keys: string[]): Promise<number>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

const PREFIX = "deadline:";

/**
 * A call's named deadlines, served by the object's one alarm: each is stored under its name and
 * the alarm is kept at the earliest (deleted when none is left). When the alarm fires, `due` says
 * which deadlines have come; the object handles each, cancelling or moving it, then `rearm`s.
 * A deadline stays until it is cancelled, so an alarm handler that throws is retried with it.
 * CallRoom uses the same class with its own deadline names.
 */
export class CallDeadlines<Name extends string = CallDeadline> {
  #at: Map<Name, number> | undefined;

  constructor(
    private readonly storage: DeadlineStorage,
    private readonly clock: Clock,
  ) {}

  /** Sets `name` to fire at `at` (moving it if it was set). */
  async schedule(name: Name, at: number): Promise<void> {
    const deadlines = await this.#load();
    deadlines.set(name, at);
    await this.storage.put(PREFIX + name, at);
    await this.rearm();
  }

  /** Cancels these deadlines; cancelling one that is not set does nothing. */
  async cancel(...names: Name[]): Promise<void> {
    const deadlines = await this.#load();
    const set = names.filter((name) => deadlines.delete(name));
    if (set.length === 0) return;
    await this.storage.delete(set.map((name) => PREFIX + name));
    await this.rearm();
  }

  /** When `name` fires, if it is set. */
  async at(name: Name): Promise<number | undefined> {
    return (await this.#load()).get(name);
  }

  /** The earliest deadline: when the alarm is set to go off, or null when nothing is waited for. */
  async next(): Promise<number | null> {
    const times = [...(await this.#load()).values()];
    return times.length === 0 ? null : Math.min(...times);
  }

  /** The deadlines whose time has come, earliest first. They stay set until cancelled or moved. */
  async due(): Promise<Name[]> {
    const now = this.clock.now();
    return [...(await this.#load())]
      .filter(([, at]) => at <= now)
      .sort(([, a], [, b]) => a - b)
      .map(([name]) => name);
  }

  /** Sets the alarm at the earliest deadline, or deletes it: after a change, and after the alarm went off. */
  async rearm(): Promise<void> {
    const next = await this.next();
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
  }

  async #load(): Promise<Map<Name, number>> {
    if (!this.#at) {
      const stored = await this.storage.list<number>({ prefix: PREFIX });
      this.#at ??= new Map([...stored].map(([key, at]) => [key.slice(PREFIX.length) as Name, at]));
    }
    return this.#at;
  }
}
