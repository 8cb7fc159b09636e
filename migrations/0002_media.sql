CREATE TABLE `avatars` (
	`user_id` text PRIMARY KEY NOT NULL,
	`file_id` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `blobs` (
	`id` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`content_type` text NOT NULL,
	`key` text NOT NULL,
	`ref_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`released_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blobs_sha256_unique` ON `blobs` (`sha256`);--> statement-breakpoint
CREATE INDEX `blobs_unreferenced_idx` ON `blobs` (`ref_count`,`released_at`);--> statement-breakpoint
CREATE TABLE `file_attachments` (
	`file_id` text NOT NULL,
	`chat_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`file_id`, `chat_id`)
);
--> statement-breakpoint
CREATE INDEX `file_attachments_chat_idx` ON `file_attachments` (`chat_id`);--> statement-breakpoint
CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`blob_id` text NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`purpose` text NOT NULL,
	`visibility` text DEFAULT 'private' NOT NULL,
	`width` integer,
	`height` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`blob_id`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `files_owner_idx` ON `files` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `files_owner_purpose_idx` ON `files` (`owner_id`,`purpose`,`id`);--> statement-breakpoint
CREATE INDEX `files_blob_idx` ON `files` (`blob_id`);--> statement-breakpoint
CREATE TABLE `image_likes` (
	`image_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`image_id`, `user_id`),
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `image_likes_user_idx` ON `image_likes` (`user_id`);--> statement-breakpoint
CREATE TABLE `image_tags` (
	`tag` text NOT NULL,
	`image_id` text NOT NULL,
	PRIMARY KEY(`tag`, `image_id`),
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `images` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`file_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`like_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `images_file_unique` ON `images` (`file_id`);--> statement-breakpoint
CREATE INDEX `images_owner_idx` ON `images` (`owner_id`,`id`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'receiving' NOT NULL,
	`purpose` text NOT NULL,
	`name` text NOT NULL,
	`visibility` text DEFAULT 'private' NOT NULL,
	`length` integer NOT NULL,
	`offset` integer DEFAULT 0 NOT NULL,
	`key` text NOT NULL,
	`part_size` integer DEFAULT 0 NOT NULL,
	`multipart_id` text,
	`parts` text DEFAULT '[]' NOT NULL,
	`hash_state` text,
	`tail_key` text,
	`tail_bytes` integer DEFAULT 0 NOT NULL,
	`lease_id` text,
	`lease_expires_at` integer,
	`file_id` text,
	`failure` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `uploads_owner_status_idx` ON `uploads` (`owner_id`,`status`);--> statement-breakpoint
CREATE INDEX `uploads_expires_idx` ON `uploads` (`expires_at`);