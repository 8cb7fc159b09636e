CREATE TABLE `job_saved_searches` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`search` text NOT NULL,
	`digested_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `job_saved_searches_user_idx` ON `job_saved_searches` (`user_id`,`id`);