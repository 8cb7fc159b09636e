import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/** Chat metadata. The messages themselves live in each chat's ChatRoom Durable Object. */
export const chats = sqliteTable(
  "chats",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["general", "direct", "group"] }).notNull(),
    title: text("title"),
    ownerId: text("owner_id"),
    /** "userA:userB" (sorted) for direct chats, so a pair has exactly one. */
    directKey: text("direct_key"),
    lastMessageSeq: integer("last_message_seq").notNull().default(0),
    /** JSON summary of the newest message: {id, seq, senderId, text, createdAt}. */
    lastMessage: text("last_message"),
    createdAt: timestamp("created_at").notNull(),
    /** Last activity: ordering of the chat list. */
    updatedAt: timestamp("updated_at").notNull(),
    deletedAt: timestamp("deleted_at"),
    /**
     * End-to-end encrypted (docs/e2ee.md): the room carries only MLS messages, never plain text.
     * Set at creation, or turned on later (`POST /v1/chats/:id/encryption`), never off; chats
     * from before this column are plain.
     */
    encrypted: integer("encrypted", { mode: "boolean" }).notNull().default(false),
    /** When an existing chat turned encryption on; null for chats encrypted since creation and for plain ones. */
    encryptedAt: timestamp("encrypted_at"),
    /** The first seq that is MLS-only in a chat that turned encryption on: earlier messages stay as they were. */
    encryptedFromSeq: integer("encrypted_from_seq"),
  },
  (t) => [uniqueIndex("chats_direct_key_unique").on(t.directKey), index("chats_type_idx").on(t.type)],
);

export const chatMembers = sqliteTable(
  "chat_members",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["owner", "member"] })
      .notNull()
      .default("member"),
    readSeq: integer("read_seq").notNull().default(0),
    joinedAt: timestamp("joined_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] }), index("chat_members_user_id_idx").on(t.userId)],
);

/**
 * Chats a user was a member of and left (or was removed from): their messages and reactions stay
 * there, so deleting or exporting the account must still reach those rooms.
 */
export const chatFormerMembers = sqliteTable(
  "chat_former_members",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    leftAt: timestamp("left_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] }), index("chat_former_members_user_id_idx").on(t.userId)],
);

/**
 * Messages that mention a member, for the unread mention count of their chat list (the messages
 * themselves, with their `mentions`, live in the ChatRoom). Written by the room's chat-list sync;
 * rows at or below the member's read position are dropped when it moves.
 */
export const chatMentions = sqliteTable(
  "chat_mentions",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    seq: integer("seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId, t.seq] }), index("chat_mentions_user_id_idx").on(t.userId)],
);
