import type { Attachment, ForwardOrigin, LastMessage, Message, MessagePage, MessagePageQuery, MessageRelation, Pin, Quote } from "./model";
import { iso, quoteOf } from "./model";
import { ftsQuery } from "../fts-query";

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  sender_id: string | null;
  client_id: string;
  text: string;
  attachments: string;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  reply_to_seq: number | null;
  mentions: string;
  forwarded_from: string | null;
  /** An encrypted chat's message: its MLS PrivateMessage, base64url (text is then empty). */
  mls: string | null;
  /** An encrypted chat's edit or reaction: `{"kind","id"}` JSON of the message it changes (docs/e2ee.md). */
  relates_to: string | null;
}

interface PinRow extends Record<string, SqlStorageValue> {
  seq: number;
  pinned_by: string | null;
  pinned_at: number;
}

interface ReactionRow extends Record<string, SqlStorageValue> {
  seq: number;
  emoji: string;
  user_id: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS messages (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     sender_id TEXT,
     client_id TEXT NOT NULL,
     text TEXT NOT NULL,
     attachments TEXT NOT NULL DEFAULT '[]',
     created_at INTEGER NOT NULL,
     edited_at INTEGER,
     deleted_at INTEGER,
     reply_to_seq INTEGER,
     mentions TEXT NOT NULL DEFAULT '[]',
     forwarded_from TEXT)`,
  "CREATE UNIQUE INDEX IF NOT EXISTS messages_sender_client ON messages (sender_id, client_id)",
  `CREATE TABLE IF NOT EXISTS reactions (
     seq INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     emoji TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (seq, user_id, emoji))`,
  "CREATE INDEX IF NOT EXISTS reactions_user ON reactions (user_id)",
  // Search index only: rowid = seq, text of live messages. Deleted messages leave it.
  "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
  "CREATE TABLE IF NOT EXISTS room_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
  // Live messages with attachments (a deleted one has none), for carriesFile.
  "CREATE INDEX IF NOT EXISTS messages_with_attachments ON messages (seq) WHERE attachments <> '[]'",
  "CREATE TABLE IF NOT EXISTS pins (seq INTEGER PRIMARY KEY, pinned_by TEXT, pinned_at INTEGER NOT NULL)",
];

/** Columns added after rooms already existed: added to an older room's table when it opens. */
const ADDED_COLUMNS: [name: string, definition: string][] = [
  ["reply_to_seq", "reply_to_seq INTEGER"],
  ["mentions", "mentions TEXT NOT NULL DEFAULT '[]'"],
  // A forwarded message's origin as JSON ({senderId, chatId}); null for a message written here.
  ["forwarded_from", "forwarded_from TEXT"],
  ["mls", "mls TEXT"],
  ["relates_to", "relates_to TEXT"],
];

const INDEXED_SEQ = "indexed_seq";

/** Most words of a chat search that take part (a longer text is cut, not refused). */
const MAX_SEARCH_TERMS = 16;

/**
 * The authoritative message log of one chat, in its ChatRoom's SQLite. Every method is
 * synchronous: the room's single thread plus no awaits between read and write is what makes
 * `seq` contiguous and sends idempotent under concurrent senders.
 */
export class MessageLog {
  lastSeq: number;
  /**
   * Messages up to this seq are in messages_fts. Later ones are indexed together by
   * `indexPending` (the room runs it shortly after a burst, and every search runs it first), so
   * the send path pays one INSERT per message instead of two.
   */
  indexedSeq: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly chatId: string,
  ) {
    for (const statement of SCHEMA) sql.exec(statement);
    const columns = new Set(
      sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info('messages')")
        .toArray()
        .map((c) => c.name),
    );
    for (const [name, definition] of ADDED_COLUMNS) if (!columns.has(name)) sql.exec(`ALTER TABLE messages ADD COLUMN ${definition}`);
    // Encrypted edits and reactions by the message they change (a deleted message takes theirs along); after the column exists.
    sql.exec("CREATE INDEX IF NOT EXISTS messages_relations ON messages (json_extract(relates_to, '$.id')) WHERE relates_to IS NOT NULL");
    this.lastSeq = sql.exec<{ seq: number }>("SELECT COALESCE(MAX(seq), 0) AS seq FROM messages").one().seq;
    const indexed = sql.exec<{ value: number }>("SELECT value FROM room_state WHERE key = ?", INDEXED_SEQ).toArray()[0];
    // A room from before batched indexing indexed every live message as it stored it.
    this.indexedSeq = indexed ? indexed.value : sql.exec<{ seq: number }>("SELECT COALESCE(MAX(rowid), 0) AS seq FROM messages_fts").one().seq;
  }

  /** Indexes every message stored since the last call, in one statement. */
  indexPending(): void {
    if (this.indexedSeq >= this.lastSeq) return;
    this.sql.exec("INSERT INTO messages_fts (rowid, text) SELECT seq, text FROM messages WHERE seq > ? AND deleted_at IS NULL", this.indexedSeq);
    this.indexedSeq = this.lastSeq;
    this.setState(INDEXED_SEQ, this.indexedSeq);
  }

  findByClientId(senderId: string, clientId: string): Message | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE sender_id = ? AND client_id = ?", senderId, clientId).toArray()[0];
    return row ? this.withReactions([row])[0]! : null;
  }

  findById(id: string): Message | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
    return row ? this.withReactions([row])[0]! : null;
  }

  /**
   * Stores a new message as seq lastSeq + 1, or returns null (storing nothing) when its sender
   * already has a message with this clientId: the duplicate check and the insert are one
   * statement, not a SELECT before every INSERT.
   */
  append(input: {
    id: string;
    senderId: string;
    clientId: string;
    text: string;
    attachments: Attachment[];
    replyTo?: Message | null;
    mentions?: string[];
    forwardedFrom?: ForwardOrigin | null;
    /** The MLS ciphertext of an encrypted chat's message (base64url); `text` is empty then. */
    mls?: string;
    /** An encrypted edit or reaction: the message it changes (checked by the room to be live here). */
    relatesTo?: MessageRelation;
    now: number;
  }): Message | null {
    const seq = this.lastSeq + 1;
    const attachments = input.attachments.length === 0 ? "[]" : JSON.stringify(input.attachments);
    const mentions = input.mentions && input.mentions.length > 0 ? JSON.stringify(input.mentions) : "[]";
    const replyToSeq = input.replyTo?.seq ?? null;
    const forwardedFrom = input.forwardedFrom ? JSON.stringify(input.forwardedFrom) : null;
    const relatesTo = input.relatesTo ? JSON.stringify({ kind: input.relatesTo.kind, id: input.relatesTo.id }) : null;
    const written = this.sql.exec(
      "INSERT INTO messages (seq, id, sender_id, client_id, text, attachments, created_at, reply_to_seq, mentions, forwarded_from, mls, relates_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender_id, client_id) DO NOTHING",
      seq,
      input.id,
      input.senderId,
      input.clientId,
      input.text,
      attachments,
      input.now,
      replyToSeq,
      mentions,
      forwardedFrom,
      input.mls ?? null,
      relatesTo,
    ).rowsWritten;
    if (written === 0) return null;
    this.lastSeq = seq;
    return this.toMessage(
      {
        seq,
        id: input.id,
        sender_id: input.senderId,
        client_id: input.clientId,
        text: input.text,
        attachments,
        created_at: input.now,
        edited_at: null,
        deleted_at: null,
        reply_to_seq: replyToSeq,
        mentions,
        forwarded_from: forwardedFrom,
        mls: input.mls ?? null,
        relates_to: relatesTo,
      },
      [],
      input.replyTo ? quoteOf(input.replyTo) : null,
    );
  }

  edit(id: string, text: string, now: number): Message | null {
    const row = this.sql
      .exec<MessageRow>("UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING *", text, now, id)
      .toArray()[0];
    if (!row) return null;
    // Not indexed yet: indexPending will index the edited text.
    if (row.seq <= this.indexedSeq) {
      this.sql.exec("DELETE FROM messages_fts WHERE rowid = ?", row.seq);
      this.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", row.seq, text);
    }
    return this.withReactions([row])[0]!;
  }

  /** Does a live message carry the file? (A deleted message carries none.) */
  carriesFile(fileId: string): boolean {
    return (
      this.sql
        .exec(
          "SELECT 1 FROM messages INDEXED BY messages_with_attachments WHERE attachments <> '[]' AND EXISTS (SELECT 1 FROM json_each(messages.attachments) WHERE json_extract(json_each.value, '$.id') = ?) LIMIT 1",
          fileId,
        )
        .toArray().length > 0
    );
  }

  /**
   * Soft delete: the seq stays (so catch-up sees the gap filled), text, attachments and ciphertext
   * go, and so do the ciphertexts of the encrypted edits and reactions of the message.
   */
  softDelete(id: string, now: number): Message | null {
    const row = this.sql
      .exec<MessageRow>(
        "UPDATE messages SET text = '', attachments = '[]', mls = NULL, deleted_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING *",
        now,
        id,
      )
      .toArray()[0];
    if (!row) return null;
    if (row.seq <= this.indexedSeq) this.sql.exec("DELETE FROM messages_fts WHERE rowid = ?", row.seq);
    this.sql.exec(
      "UPDATE messages INDEXED BY messages_relations SET mls = NULL, deleted_at = ? WHERE relates_to IS NOT NULL AND json_extract(relates_to, '$.id') = ? AND deleted_at IS NULL",
      now,
      id,
    );
    this.sql.exec("DELETE FROM reactions WHERE seq = ?", row.seq);
    this.sql.exec("DELETE FROM pins WHERE seq = ?", row.seq);
    return this.withReactions([row])[0]!;
  }

  /** Pins a message (again: keeps the first pin); false when the chat already has `max` pins. */
  /**
   * Pins a message (`created`), or returns it as it was pinned first; null when the chat already
   * has `max` pins.
   */
  pin(message: Message, userId: string, now: number, max: number): { pin: Pin; created: boolean } | null {
    const pinned = this.pinRows("WHERE seq = ?", message.seq)[0];
    if (pinned) return { pin: this.toPin(pinned, message), created: false };
    if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM pins").one().n >= max) return null;
    this.sql.exec("INSERT INTO pins (seq, pinned_by, pinned_at) VALUES (?, ?, ?)", message.seq, userId, now);
    return { pin: this.toPin({ seq: message.seq, pinned_by: userId, pinned_at: now }, message), created: true };
  }

  /** Whether the message was pinned. */
  unpin(seq: number): boolean {
    return this.sql.exec("DELETE FROM pins WHERE seq = ?", seq).rowsWritten > 0;
  }

  /** The pinned messages, most recently pinned first. */
  pins(): Pin[] {
    const pins = this.pinRows("ORDER BY pinned_at DESC, seq DESC");
    if (pins.length === 0) return [];
    const rows = this.sql.exec<MessageRow>(`SELECT * FROM messages WHERE seq IN (${pins.map(() => "?").join(",")})`, ...pins.map((p) => p.seq)).toArray();
    const messages = new Map(this.withReactions(rows).map((m) => [m.seq, m]));
    return pins.flatMap((pin) => {
      const message = messages.get(pin.seq);
      return message ? [this.toPin(pin, message)] : [];
    });
  }

  private pinRows(clause: string, ...bindings: SqlStorageValue[]): PinRow[] {
    return this.sql.exec<PinRow>(`SELECT seq, pinned_by, pinned_at FROM pins ${clause}`, ...bindings).toArray();
  }

  private toPin(row: PinRow, message: Message): Pin {
    return { message, pinnedBy: row.pinned_by, pinnedAt: iso(row.pinned_at)! };
  }

  react(seq: number, userId: string, emoji: string, add: boolean, now: number): void {
    if (add) this.sql.exec("INSERT OR IGNORE INTO reactions (seq, user_id, emoji, created_at) VALUES (?, ?, ?, ?)", seq, userId, emoji, now);
    else this.sql.exec("DELETE FROM reactions WHERE seq = ? AND user_id = ? AND emoji = ?", seq, userId, emoji);
  }

  page(query: MessagePageQuery): MessagePage {
    const take = query.limit + 1;
    let rows: MessageRow[];
    let direction: "asc" | "desc" = "desc";
    const match = query.q === undefined ? undefined : ftsQuery(query.q, { maxTerms: MAX_SEARCH_TERMS, prefix: "every" });
    if (query.q !== undefined) {
      if (!match) return { items: [], next: null };
      this.indexPending();
      rows = this.sql
        .exec<MessageRow>(
          `SELECT m.* FROM messages_fts f JOIN messages m ON m.seq = f.rowid
            WHERE messages_fts MATCH ? AND m.seq < ? AND m.deleted_at IS NULL ORDER BY m.seq DESC LIMIT ?`,
          match,
          query.before ?? Number.MAX_SAFE_INTEGER,
          take,
        )
        .toArray();
    } else if (query.after !== undefined) {
      direction = "asc";
      rows = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?", query.after, take).toArray();
    } else {
      rows = this.sql
        .exec<MessageRow>("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", query.before ?? Number.MAX_SAFE_INTEGER, take)
        .toArray();
    }
    const more = rows.length > query.limit;
    const items = this.withReactions(rows.slice(0, query.limit));
    const last = items[items.length - 1];
    return { items, next: more && last ? { direction, seq: last.seq } : null };
  }

  /** The newest message that is not an edit or a reaction: what the chat list shows and counts to. */
  lastMessage(): LastMessage | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE relates_to IS NULL ORDER BY seq DESC LIMIT 1").toArray()[0];
    if (!row) return null;
    return { id: row.id, seq: row.seq, senderId: row.sender_id, text: row.text.slice(0, 200), createdAt: iso(row.created_at)!, deletedAt: iso(row.deleted_at) };
  }

  bySender(senderId: string): Message[] {
    return this.withReactions(this.sql.exec<MessageRow>("SELECT * FROM messages WHERE sender_id = ? ORDER BY seq", senderId).toArray());
  }

  /** A deleted account's messages stay for the others, unlinked from it; its reactions go. */
  anonymiseSender(senderId: string): number {
    const changed = this.sql.exec("UPDATE messages SET sender_id = NULL WHERE sender_id = ?", senderId).rowsWritten;
    // A forward of their message no longer names them either.
    this.sql.exec(
      "UPDATE messages SET forwarded_from = json_set(forwarded_from, '$.senderId', json('null')) WHERE forwarded_from IS NOT NULL AND json_extract(forwarded_from, '$.senderId') = ?",
      senderId,
    );
    this.sql.exec("DELETE FROM reactions WHERE user_id = ?", senderId);
    this.sql.exec("UPDATE pins SET pinned_by = NULL WHERE pinned_by = ?", senderId);
    return changed;
  }

  getState(key: string): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM room_state WHERE key = ?", key).toArray()[0]?.value ?? 0;
  }

  setState(key: string, value: number): void {
    this.sql.exec("INSERT INTO room_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  private withReactions(rows: MessageRow[]): Message[] {
    if (rows.length === 0) return [];
    const seqs = rows.map((r) => r.seq);
    const reactions = this.sql
      .exec<ReactionRow>(
        "SELECT seq, emoji, user_id FROM reactions WHERE seq BETWEEN ? AND ? ORDER BY created_at, user_id",
        Math.min(...seqs),
        Math.max(...seqs),
      )
      .toArray();
    const bySeq = new Map<number, ReactionRow[]>();
    for (const reaction of reactions) {
      const list = bySeq.get(reaction.seq) ?? [];
      list.push(reaction);
      bySeq.set(reaction.seq, list);
    }
    const quotes = this.quotesFor(rows);
    return rows.map((row) => this.toMessage(row, bySeq.get(row.seq) ?? [], row.reply_to_seq === null ? null : (quotes.get(row.reply_to_seq) ?? null)));
  }

  /** The originals the replies among `rows` answer, read as they are now (one statement). */
  private quotesFor(rows: MessageRow[]): Map<number, Quote> {
    const seqs = [...new Set(rows.flatMap((row) => (row.reply_to_seq === null ? [] : [row.reply_to_seq])))];
    if (seqs.length === 0) return new Map();
    const originals = this.sql.exec<MessageRow>(`SELECT * FROM messages WHERE seq IN (${seqs.map(() => "?").join(",")})`, ...seqs).toArray();
    return new Map(originals.map((row) => [row.seq, quoteOf(this.toMessage(row, [], null))]));
  }

  private toMessage(row: MessageRow, reactions: ReactionRow[], replyTo: Quote | null): Message {
    const grouped = new Map<string, string[]>();
    for (const reaction of reactions) grouped.set(reaction.emoji, [...(grouped.get(reaction.emoji) ?? []), reaction.user_id]);
    return {
      id: row.id,
      chatId: this.chatId,
      seq: row.seq,
      senderId: row.sender_id,
      clientId: row.client_id,
      text: row.text,
      attachments: JSON.parse(row.attachments) as Attachment[],
      createdAt: iso(row.created_at)!,
      editedAt: iso(row.edited_at),
      deletedAt: iso(row.deleted_at),
      reactions: [...grouped].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds })),
      replyTo,
      mentions: row.mentions === "[]" ? [] : (JSON.parse(row.mentions) as string[]),
      ...(row.forwarded_from ? { forwardedFrom: JSON.parse(row.forwarded_from) as ForwardOrigin } : {}),
      ...(row.mls ? { mls: row.mls } : {}),
      ...(row.relates_to ? { relatesTo: JSON.parse(row.relates_to) as MessageRelation } : {}),
    };
  }
}
