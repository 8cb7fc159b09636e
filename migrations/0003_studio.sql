CREATE TABLE `studio_assets` (
	`id` text PRIMARY KEY NOT NULL,
	`box_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`file_id` text,
	`thumbnail_file_id` text,
	`prompt` text DEFAULT '' NOT NULL,
	`model_id` text,
	`params` text DEFAULT '{}' NOT NULL,
	`seed` integer,
	`parent_asset_id` text,
	`favorite` integer DEFAULT false NOT NULL,
	`provider_task_id` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`box_id`) REFERENCES `studio_boxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `studio_assets_box_idx` ON `studio_assets` (`box_id`,`id`);--> statement-breakpoint
CREATE INDEX `studio_assets_owner_idx` ON `studio_assets` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `studio_assets_status_idx` ON `studio_assets` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `studio_assets_retention_idx` ON `studio_assets` (`favorite`,`created_at`);--> statement-breakpoint
CREATE TABLE `studio_boxes` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`order_index` integer NOT NULL,
	`headliner_asset_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `studio_projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `studio_boxes_project_idx` ON `studio_boxes` (`project_id`,`order_index`);--> statement-breakpoint
CREATE INDEX `studio_boxes_owner_idx` ON `studio_boxes` (`owner_id`);--> statement-breakpoint
CREATE INDEX `studio_boxes_headliner_idx` ON `studio_boxes` (`headliner_asset_id`);--> statement-breakpoint
CREATE TABLE `studio_comment_reads` (
	`box_id` text NOT NULL,
	`user_id` text NOT NULL,
	`last_read_comment_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`box_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `studio_comment_reads_user_idx` ON `studio_comment_reads` (`user_id`);--> statement-breakpoint
CREATE TABLE `studio_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`box_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`share_link_id` text,
	`author_user_id` text,
	`author_name` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`box_id`) REFERENCES `studio_boxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `studio_comments_box_idx` ON `studio_comments` (`box_id`,`id`);--> statement-breakpoint
CREATE INDEX `studio_comments_owner_idx` ON `studio_comments` (`owner_id`);--> statement-breakpoint
CREATE TABLE `studio_projects` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `studio_projects_owner_idx` ON `studio_projects` (`owner_id`,`id`);--> statement-breakpoint
CREATE TABLE `studio_share_links` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `studio_projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `studio_share_links_token_unique` ON `studio_share_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `studio_share_links_project_idx` ON `studio_share_links` (`project_id`);--> statement-breakpoint
CREATE INDEX `studio_share_links_owner_idx` ON `studio_share_links` (`owner_id`);--> statement-breakpoint
-- Prompt search (q): derived from studio_assets by the triggers below, one row per asset with the
-- asset's rowid; rebuildable with rebuildAssetSearch (shared/studio/library/records.ts).
CREATE VIRTUAL TABLE `studio_asset_search` USING fts5(`asset_id` UNINDEXED, `prompt`, tokenize = 'unicode61 remove_diacritics 2');--> statement-breakpoint
CREATE TRIGGER `studio_assets_search_insert` AFTER INSERT ON `studio_assets` BEGIN
  INSERT INTO `studio_asset_search` (rowid, asset_id, prompt) VALUES (new.rowid, new.id, new.prompt);
END;--> statement-breakpoint
CREATE TRIGGER `studio_assets_search_delete` AFTER DELETE ON `studio_assets` BEGIN
  DELETE FROM `studio_asset_search` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `studio_assets_search_update` AFTER UPDATE OF `prompt` ON `studio_assets` BEGIN
  UPDATE `studio_asset_search` SET prompt = new.prompt WHERE rowid = new.rowid;
END;
