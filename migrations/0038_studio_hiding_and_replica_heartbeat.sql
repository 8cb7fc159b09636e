CREATE TABLE `replica_heartbeat` (
	`id` integer PRIMARY KEY NOT NULL,
	`beat_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `studio_assets` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `studio_assets` ADD `hidden_reason` text;--> statement-breakpoint
ALTER TABLE `studio_boxes` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `studio_boxes` ADD `hidden_reason` text;--> statement-breakpoint
ALTER TABLE `studio_comments` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `studio_comments` ADD `hidden_reason` text;--> statement-breakpoint
ALTER TABLE `studio_projects` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `studio_projects` ADD `hidden_reason` text;