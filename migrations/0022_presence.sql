ALTER TABLE `users` ADD `last_seen_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `presence_visibility` text DEFAULT 'chats' NOT NULL;