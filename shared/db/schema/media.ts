import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/**
 * Stored bytes, once per SHA-256. The R2 object is written before its hash is known (streamed, or
 * multipart), so each blob has its own key; `sha256` being unique is what deduplicates.
 */
export const blobs = sqliteTable(
  "blobs",
  {
    id: text("id").primaryKey(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    /** R2 key of the bytes. */
    key: text("key").notNull(),
    /** Files pointing at these bytes. */
    refCount: integer("ref_count").notNull().default(0),
    createdAt: timestamp("created_at").notNull(),
    /** When the last file pointing here went; garbage once older than the grace period. */
    releasedAt: timestamp("released_at"),
  },
  (t) => [uniqueIndex("blobs_sha256_unique").on(t.sha256), index("blobs_unreferenced_idx").on(t.refCount, t.releasedAt)],
);

export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    blobId: text("blob_id")
      .notNull()
      .references(() => blobs.id),
    name: text("name").notNull(),
    /** What the bytes are (magic bytes), never what the client said. */
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    purpose: text("purpose", { enum: ["attachment", "avatar", "image", "asset", "company-icon", "video-thumbnail", "encrypted-attachment"] }).notNull(),
    visibility: text("visibility", { enum: ["private", "public"] })
      .notNull()
      .default("private"),
    width: integer("width"),
    height: integer("height"),
    /** A recording's length, as the client that recorded it measured it (audio only). */
    durationMs: integer("duration_ms"),
    /** A recording's loudness for display: one base-32 digit (0-31) per slice (audio only). */
    waveform: text("waveform"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("files_owner_idx").on(t.ownerId, t.id), index("files_owner_purpose_idx").on(t.ownerId, t.purpose, t.id), index("files_blob_idx").on(t.blobId)],
);

/**
 * An upload in progress: the quota slot it holds (its `length` counts against the owner until it
 * completes or expires) and, for tus, where the R2 multipart upload stands.
 */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    kind: text("kind", { enum: ["single", "tus"] }).notNull(),
    status: text("status", { enum: ["receiving", "completed", "failed"] })
      .notNull()
      .default("receiving"),
    purpose: text("purpose", { enum: ["attachment", "avatar", "image", "asset", "company-icon", "video-thumbnail", "encrypted-attachment"] }).notNull(),
    name: text("name").notNull(),
    visibility: text("visibility", { enum: ["private", "public"] })
      .notNull()
      .default("private"),
    length: integer("length").notNull(),
    /** Bytes durably stored: whole parts plus the stored tail. */
    offset: integer("offset").notNull().default(0),
    /** R2 key the bytes go to (becomes the blob's key). */
    key: text("key").notNull(),
    partSize: integer("part_size").notNull().default(0),
    multipartId: text("multipart_id"),
    /** JSON [{partNumber, etag}] of the parts uploaded. */
    parts: text("parts").notNull().default("[]"),
    /**
     * How the bytes [0, offset) are hashed (shared/media/tus-hash.ts): `from-object` (a digest kept
     * in an isolate's memory, else the object is read back), `sha256:<hex>` once all are in, or a
     * resumable SHA-256 state saved by earlier code.
     */
    hashState: text("hash_state"),
    /** R2 key of the bytes after the last whole part (fewer than partSize). */
    tailKey: text("tail_key"),
    tailBytes: integer("tail_bytes").notNull().default(0),
    /** A PATCH in progress holds the upload until it ends or the lease runs out. */
    leaseId: text("lease_id"),
    leaseExpiresAt: timestamp("lease_expires_at"),
    /**
     * The R2 part numbers the lease's PATCH may write, first to last. Every lease gets numbers no
     * earlier PATCH that may still be alive could write, so two requests never write one part.
     */
    leaseFirstPart: integer("lease_first_part"),
    leaseLastPart: integer("lease_last_part"),
    /** Part numbers up to here may still be written by a PATCH whose lease ran out: no lease gets them again. */
    partFence: integer("part_fence").notNull().default(0),
    fileId: text("file_id"),
    /** Why a failed upload failed (e.g. unsupported_media_type). */
    failure: text("failure"),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [
    index("uploads_owner_status_idx").on(t.ownerId, t.status),
    index("uploads_expires_idx").on(t.expiresAt),
    // The media cron looks for fully received uploads among those still receiving (in flight), not the whole table.
    index("uploads_status_expires_idx").on(t.status, t.expiresAt),
  ],
);

/** A file attached to a chat message: members of the chat may read it. */
export const fileAttachments = sqliteTable(
  "file_attachments",
  {
    fileId: text("file_id").notNull(),
    chatId: text("chat_id").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.chatId] }), index("file_attachments_chat_idx").on(t.chatId)],
);

/** The gallery (PinLite): an image with a title, tags and likes, public unless its owner made it private. */
export const images = sqliteTable(
  "images",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    fileId: text("file_id").notNull(),
    /** The file was public before it was published (its owner's choice): removing the image leaves it public. */
    fileWasPublic: integer("file_was_public", { mode: "boolean" }).notNull().default(false),
    title: text("title").notNull(),
    description: text("description"),
    /** JSON array of tags, as given. */
    tags: text("tags").notNull().default("[]"),
    likeCount: integer("like_count").notNull().default(0),
    /** Public: in the feed and on its page for anyone. Private: only its owner sees it (a link answers 404). */
    visibility: text("visibility", { enum: ["public", "private"] })
      .notNull()
      .default("public"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [uniqueIndex("images_file_unique").on(t.fileId), index("images_owner_idx").on(t.ownerId, t.id)],
);

export const imageTags = sqliteTable(
  "image_tags",
  {
    tag: text("tag").notNull(),
    imageId: text("image_id")
      .notNull()
      .references(() => images.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.tag, t.imageId] })],
);

export const imageLikes = sqliteTable(
  "image_likes",
  {
    imageId: text("image_id")
      .notNull()
      .references(() => images.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.imageId, t.userId] }), index("image_likes_user_idx").on(t.userId)],
);

/** The user's avatar: a file of theirs served as a square variant. */
export const avatars = sqliteTable("avatars", {
  userId: text("user_id").primaryKey(),
  fileId: text("file_id").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
});
