CREATE TABLE `video_reports` (
	`id` text NOT NULL,
	`video_id` text NOT NULL,
	`user_id` text NOT NULL,
	`category` text NOT NULL,
	`text` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`video_id`, `user_id`),
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `video_reports_id_unique` ON `video_reports` (`id`);--> statement-breakpoint
CREATE INDEX `video_reports_user_idx` ON `video_reports` (`user_id`);--> statement-breakpoint
CREATE TABLE `video_tags` (
	`tag` text NOT NULL,
	`video_id` text NOT NULL,
	PRIMARY KEY(`tag`, `video_id`),
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `video_tags_video_idx` ON `video_tags` (`video_id`);--> statement-breakpoint
CREATE TABLE `videos` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`stream_uid` text,
	`upload_method` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`rejection_reason` text,
	`failure_reason` text,
	`is_public` integer DEFAULT true NOT NULL,
	`publish_at` integer,
	`publication_notified_at` integer,
	`archived` integer DEFAULT false NOT NULL,
	`hidden_by_reports` integer DEFAULT false NOT NULL,
	`signed_playback` integer DEFAULT true NOT NULL,
	`duration_seconds` real,
	`hls_url` text,
	`dash_url` text,
	`stream_thumbnail_url` text,
	`thumbnail_timestamp_pct` real,
	`thumbnail_file_id` text,
	`view_count` integer DEFAULT 0 NOT NULL,
	`report_count` integer DEFAULT 0 NOT NULL,
	`reports_since_review` integer DEFAULT 0 NOT NULL,
	`last_change_id` text,
	`processing_since` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `videos_stream_uid_unique` ON `videos` (`stream_uid`);--> statement-breakpoint
CREATE INDEX `videos_owner_idx` ON `videos` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `videos_status_idx` ON `videos` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `videos_processing_idx` ON `videos` (`status`,`processing_since`);