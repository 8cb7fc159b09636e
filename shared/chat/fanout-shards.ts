import { logEvent } from "../observability/log";
import type { ChatFanoutRpc } from "./chat-fanout-rpc";
import type { FanoutFrame } from "./fanout";

/** Tries of one batch to a shard before it is dropped (its sockets catch up from `hello.lastSeq` when they reconnect). */
const DELIVERY_ATTEMPTS = 3;

/** What the room needs to reach one shard. */
export type FanoutShardStub = Pick<
  DurableObjectStub<ChatFanoutRpc>,
  "deliver" | "connectedUsers" | "sessionsEnded" | "userChanged" | "membershipChanged" | "closeAll"
>;

interface ShardLink {
  stub: FanoutShardStub;
  /** Frames waiting for the delivery under way to end: one delivery at a time keeps their order. */
  outbox: FanoutFrame[];
  delivering: boolean;
  failures: number;
  /** Counts joins: a delivery that found no socket forgets the shard only if none joined meanwhile. */
  joins: number;
  /** The users with a socket on the shard; null after a wake until the shard has said. */
  users: Set<string> | null;
  /** While the shard is being asked (after a wake): joins and leaves seen meanwhile, replayed on its answer. */
  changesWhileAsking: [userId: string, joined: boolean][] | null;
  asking: Promise<void> | null;
}

/**
 * The room's side of its fan-out shards (shared/chat/fanout.ts): which shards hold sockets (kept
 * in the room's SQLite, so a room that was evicted while its shards held sockets still reaches
 * them), each shard's outbox (one `deliver` call at a time per shard, in order: frames reach a
 * shard in seq order, and a burst goes in one call), and who is connected on each shard (told by
 * the shards as sockets open and close, asked again after a wake), which the chat-list sync and
 * the pushes need.
 */
export class FanoutShards {
  #links: Map<string, ShardLink> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly stubOf: (shard: string) => FanoutShardStub,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
    /** Who is connected changed (the room's cached views of it are stale). */
    private readonly usersChanged: () => void,
  ) {}

  private get links(): Map<string, ShardLink> {
    if (!this.#links) {
      this.sql.exec("CREATE TABLE IF NOT EXISTS fanout_shards (name TEXT PRIMARY KEY)");
      this.#links = new Map();
      for (const { name } of this.sql.exec<{ name: string }>("SELECT name FROM fanout_shards")) this.#links.set(name, this.link(name));
    }
    return this.#links;
  }

  private link(name: string): ShardLink {
    return { stub: this.stubOf(name), outbox: [], delivering: false, failures: 0, joins: 0, users: null, changesWhileAsking: null, asking: null };
  }

  /** Whether any shard holds sockets of this room. */
  get inUse(): boolean {
    return this.links.size > 0;
  }

  /** A socket of `userId` opened on `shard`: delivered to from now on. */
  joined(shard: string, userId: string): void {
    let link = this.links.get(shard);
    if (!link) {
      link = this.link(shard);
      // A fresh link knows its users: none but the ones that join from now on.
      link.users = new Set();
      this.links.set(shard, link);
      this.sql.exec("INSERT OR IGNORE INTO fanout_shards (name) VALUES (?)", shard);
    }
    link.joins++;
    this.change(link, userId, true);
  }

  /** The last socket of `userId` on `shard` closed. */
  left(shard: string, userId: string): void {
    const link = this.links.get(shard);
    if (link) this.change(link, userId, false);
  }

  private change(link: ShardLink, userId: string, joined: boolean): void {
    link.changesWhileAsking?.push([userId, joined]);
    if (link.users) {
      if (joined) link.users.add(userId);
      else link.users.delete(userId);
    }
    this.usersChanged();
  }

  /** Whether every shard has said who is connected there (after a wake the room asks first). */
  get usersKnown(): boolean {
    for (const link of this.links.values()) if (!link.users) return false;
    return true;
  }

  /** Resolves once every shard has said who is connected there. */
  async knowUsers(): Promise<void> {
    const asking: Promise<void>[] = [];
    for (const [name, link] of this.links) {
      if (link.users) continue;
      link.asking ??= this.ask(name, link);
      asking.push(link.asking);
    }
    await Promise.all(asking);
  }

  private async ask(name: string, link: ShardLink): Promise<void> {
    link.changesWhileAsking = [];
    let users: string[] = [];
    try {
      users = await link.stub.connectedUsers();
    } catch (error) {
      // Counted as nobody: its members are then treated as away (a push or hub notice too many, never one too few).
      logEvent("error", "asking a chat fan-out shard who is connected failed", { shard: name, error: String(error) });
    }
    const known = new Set(users);
    for (const [userId, joined] of link.changesWhileAsking) {
      if (joined) known.add(userId);
      else known.delete(userId);
    }
    link.users = known;
    link.changesWhileAsking = null;
    link.asking = null;
    this.usersChanged();
  }

  /** Every user connected through a shard (empty for a shard not asked yet: see `knowUsers`). */
  *users(): Iterable<string> {
    for (const link of this.links.values()) if (link.users) yield* link.users;
  }

  /**
   * Hands `frame` to every shard, after whatever each has waiting; the shard that holds `origin`
   * (the socket that sent the frame) leaves that socket out.
   */
  send(frame: FanoutFrame, origin?: { shard: string; connectionId: string }): void {
    for (const [name, link] of this.links) {
      link.outbox.push(origin?.shard === name ? { ...frame, skipConnection: origin.connectionId } : frame);
      this.pump(name, link);
    }
  }

  private pump(name: string, link: ShardLink): void {
    if (link.delivering || link.outbox.length === 0) return;
    const batch = link.outbox;
    link.outbox = [];
    link.delivering = true;
    const joinsBefore = link.joins;
    const delivery = link.stub
      .deliver(batch)
      .then(
        (open) => {
          link.failures = 0;
          // Nobody there and nobody joined meanwhile: stop delivering until someone joins again.
          if (open === 0 && link.joins === joinsBefore && link.outbox.length === 0) this.forget(name);
        },
        (error: unknown) => {
          if (++link.failures < DELIVERY_ATTEMPTS) {
            link.outbox.unshift(...batch);
            return;
          }
          link.failures = 0;
          logEvent("error", "a chat fan-out shard refused its frames", { shard: name, frames: batch.length, error: String(error) });
        },
      )
      .finally(() => {
        link.delivering = false;
        if (this.links.get(name) === link) this.pump(name, link);
      });
    this.waitUntil(delivery);
  }

  private forget(name: string): void {
    const link = this.links.get(name);
    if (!link) return;
    this.links.delete(name);
    this.sql.exec("DELETE FROM fanout_shards WHERE name = ?", name);
    if (link.users?.size) this.usersChanged();
  }

  /** Calls every shard (a session ended, members changed...); a shard that fails is logged, the others still hear. */
  async tellEach(what: string, call: (stub: FanoutShardStub) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled([...this.links.values()].map((link) => call(link.stub)));
    for (const result of results)
      if (result.status === "rejected") logEvent("error", `telling a chat fan-out shard ${what} failed`, { error: String(result.reason) });
  }

  /** The chat was deleted: forgets every shard (the room's storage goes with it). */
  clear(): void {
    this.#links = new Map();
  }
}

/**
 * A socket of a shard, as the room sees it while it handles that socket's frame
 * (`frameFromFanout`): what the room sends it is collected as the call's answer, and the room's
 * fan-out leaves it out on its shard.
 */
export class ShardSocket {
  readonly replies: string[] = [];
  #answered: () => void = () => {};
  /** Resolves at the first frame for this socket (a send's ack or error), or when `settle` gives up waiting. */
  readonly answered = new Promise<void>((resolve) => {
    this.#answered = resolve;
  });

  constructor(
    readonly shard: string,
    /** The socket's connection id on its shard. */
    readonly id: string,
  ) {}

  send(text: string): void {
    this.replies.push(text);
    this.#answered();
  }

  /** Nothing more will come (the chat was deleted while a send waited). */
  settle(): void {
    this.#answered();
  }
}
