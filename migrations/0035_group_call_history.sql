CREATE TABLE `group_calls_hidden` (
	`call_id` text NOT NULL,
	`user_id` text NOT NULL,
	`hidden_at` integer NOT NULL,
	PRIMARY KEY(`call_id`, `user_id`)
);
