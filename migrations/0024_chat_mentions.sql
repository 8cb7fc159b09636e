CREATE TABLE `chat_mentions` (
	`chat_id` text NOT NULL,
	`user_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`chat_id`, `user_id`, `seq`),
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `chat_mentions_user_id_idx` ON `chat_mentions` (`user_id`);