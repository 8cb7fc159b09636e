CREATE TABLE `group_call_participants` (
	`call_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`left_at` integer,
	PRIMARY KEY(`call_id`, `user_id`, `joined_at`)
);
--> statement-breakpoint
CREATE INDEX `group_call_participants_user_idx` ON `group_call_participants` (`user_id`,`joined_at`);--> statement-breakpoint
CREATE TABLE `group_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`type` text NOT NULL,
	`started_by` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_calls_one_active_per_chat` ON `group_calls` (`chat_id`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `group_calls_chat_created_idx` ON `group_calls` (`chat_id`,`created_at`);