CREATE TABLE `video_captions` (
	`video_id` text NOT NULL,
	`language` text NOT NULL,
	`source` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`model_id` text,
	`provider_task_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`vtt` text,
	`text` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`video_id`, `language`),
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `moderation_hints` (
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`model_id` text NOT NULL,
	`input` text NOT NULL,
	`provider_task_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`labels` text,
	`reason` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`subject_kind`, `subject_id`)
);
--> statement-breakpoint
CREATE INDEX `moderation_hints_owner_idx` ON `moderation_hints` (`owner_id`);--> statement-breakpoint
-- Caption text for the video search (GET /v1/videos?q=): one FTS5 row per caption row, under its rowid.
CREATE VIRTUAL TABLE `video_caption_search` USING fts5(`video_id` UNINDEXED, `text`, tokenize = 'unicode61 remove_diacritics 2');--> statement-breakpoint
CREATE TRIGGER `video_captions_search_insert` AFTER INSERT ON `video_captions` WHEN NEW.`text` IS NOT NULL BEGIN
  INSERT INTO `video_caption_search`(rowid, `video_id`, `text`) VALUES (NEW.rowid, NEW.`video_id`, NEW.`text`);
END;--> statement-breakpoint
CREATE TRIGGER `video_captions_search_update` AFTER UPDATE OF `text` ON `video_captions` BEGIN
  DELETE FROM `video_caption_search` WHERE rowid = OLD.rowid;
  INSERT INTO `video_caption_search`(rowid, `video_id`, `text`) SELECT NEW.rowid, NEW.`video_id`, NEW.`text` WHERE NEW.`text` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `video_captions_search_delete` AFTER DELETE ON `video_captions` BEGIN
  DELETE FROM `video_caption_search` WHERE rowid = OLD.rowid;
END;
