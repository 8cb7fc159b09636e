import type { Deps } from "../platform/deps-types";
import { chatMembers, peerOf, toChat } from "./chats";
import { peopleOf } from "./people";
import type { LastMessage } from "./model";
import { syncChatSummary } from "./records";
import { logEvent } from "../observability/log";

/**
 * Least time between the starts of two D1 syncs of one room: bounds D1 writes and hub
 * notifications to ~4/s per room, however quickly each sync finishes.
 */
const SYNC_INTERVAL_MS = 250;
const SYNC_RETRY_MS = 5_000;

/** What the chat-list sync needs from the ChatRoom that owns it. */
export interface ChatListSyncHost {
  chatId(): string;
  /** The newest message of the room's log, or null when the log is not open (or empty). */
  newestMessage(): LastMessage | null;
  /** Everything up to `seq` is in D1 now. */
  markSynced(seq: number): void;
  /** Resolves once the room knows who is connected (its fan-out shards are asked after a wake). */
  connectionsKnown(): Promise<void>;
  /** Members with a socket open in the room see messages there, so the hub does not notify them. */
  connectedUserIds(): ReadonlySet<string>;
  /** Every member (as the last read found them) has a socket open in the room: nobody to notify. */
  everyMemberConnected(): boolean;
  /** How many members the chat has, as this sync read it from D1 (the room skips pushes when all are connected). */
  membersCounted(count: number): void;
  waitUntil(promise: Promise<unknown>): void;
  /** The room owns its one alarm: a failed sync asks to be woken to retry at `at`. */
  retryAt(at: number): Promise<void>;
}

/**
 * Keeps the D1 chat list (summary, read positions of senders, members' hub notifications) current
 * without putting D1 on the send path: at most one sync runs per room, the first right after a
 * message, then at most one per SYNC_INTERVAL_MS while messages keep coming, each folding in
 * everything stored meanwhile.
 */
export class ChatListSync {
  /** Read positions of senders (a sender has read their own message), flushed with the chat summary. */
  private readonly pendingReads = new Map<string, number>();
  /** Members mentioned by messages stored since the last sync (chat_mentions rows to write). */
  private pendingMentions: { seq: number; userId: string }[] = [];
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  /** When the last sync started (the room's clock). */
  private lastSyncAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly host: ChatListSyncHost,
    private readonly deps: Pick<Deps, "db" | "objects">,
  ) {}

  /** The newest seq members were told about through their hubs. */
  private notifiedSeq = 0;

  /** Messages up to `seq` need no hub notification (set when the room opens its log). */
  notifiedUpTo(seq: number): void {
    this.notifiedSeq = seq;
  }

  noteRead(userId: string, seq: number): void {
    this.pendingReads.set(userId, Math.max(this.pendingReads.get(userId) ?? 0, seq));
  }

  noteMentions(seq: number, userIds: readonly string[]): void {
    for (const userId of userIds) this.pendingMentions.push({ seq, userId });
  }

  /** Forgets pending work (the chat was deleted). */
  clear(): void {
    this.pendingReads.clear();
    this.pendingMentions = [];
  }

  queue(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.run();
    this.host.waitUntil(this.syncing);
  }

  /** Resolves when the sync under way (if any) has finished. */
  async settled(): Promise<void> {
    await this.syncing;
  }

  private async run(): Promise<void> {
    try {
      do {
        this.syncAgain = false;
        // A sync right after a quiet spell; while messages keep coming, one per interval that folds
        // in all of them. Spacing the starts, not waiting after a sync that saw more arrive: a sync
        // that finished between two messages (50 a second, 200 members) otherwise ran for every
        // message, and its D1 batch was a third of the room's CPU (`npm run bench:chat -- --profile`).
        const wait = this.lastSyncAt + SYNC_INTERVAL_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastSyncAt = Date.now();
        await this.syncOnce();
      } while (this.syncAgain);
    } catch (error) {
      logEvent("error", "chat list sync failed", { chatId: this.host.chatId(), error: String(error) });
      await this.host.retryAt(Date.now() + SYNC_RETRY_MS);
    } finally {
      this.syncing = null;
    }
  }

  private async syncOnce(): Promise<void> {
    const last = this.host.newestMessage();
    if (!last) return;
    await this.host.connectionsKnown();
    const reads = [...this.pendingReads];
    const mentions = this.pendingMentions;
    this.pendingMentions = [];
    // Members with the room open saw the messages there: when that is all of them, the sync
    // writes the summary and skips reading the chat and every member back (with 200 members that
    // read and its rows were the largest share of a busy room's time outside the fan-out).
    const notify = last.seq > this.notifiedSeq && !this.host.everyMemberConnected();
    const readBack = await syncChatSummary(this.deps.db, { chatId: this.host.chatId(), last, reads, mentions, readBack: notify }).catch((error: unknown) => {
      // Written with the next sync (the retry): a mention is never dropped by a failed batch.
      this.pendingMentions = [...mentions, ...this.pendingMentions];
      throw error;
    });
    for (const [userId, seq] of reads) if (this.pendingReads.get(userId) === seq) this.pendingReads.delete(userId);
    this.host.markSynced(last.seq);
    // Told now, or seen in the room by every member.
    this.notifiedSeq = Math.max(this.notifiedSeq, last.seq);
    if (!readBack) return;
    const { chat, memberCount, members } = readBack;
    if (!chat) return;
    this.host.membersCounted(memberCount);
    const connected = this.host.connectedUserIds();
    // The general chat's members are counted, never listed (and only its members online were read).
    const shown =
      chat.type === "general"
        ? { ids: null, count: memberCount }
        : chatMembers(
            chat.type,
            members.map((m) => m.userId),
          );
    // Only a member whose hub is open can take the update; one with the room open saw the message there.
    const away = members.filter((m) => m.online && !connected.has(m.userId));
    // A direct chat's list item names the other member (one read of two names; other chats need none).
    const people = chat.type === "direct" && away.length > 0 ? await peopleOf(this.deps, shown.ids ?? []) : new Map();
    await Promise.allSettled(
      away.map((m) =>
        this.deps.objects
          .userHub(m.userId)
          .notify({ type: "chat.updated", chat: toChat(chat, shown, m.readSeq, peerOf(chat, shown, m.userId, people), m.unreadMentions) }),
      ),
    );
  }
}
