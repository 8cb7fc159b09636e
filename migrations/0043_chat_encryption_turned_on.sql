ALTER TABLE `chats` ADD `encrypted_at` integer;--> statement-breakpoint
ALTER TABLE `chats` ADD `encrypted_from_seq` integer;