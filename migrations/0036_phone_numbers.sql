CREATE TABLE `dev_sms_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dev_sms_outbox_to_idx` ON `dev_sms_outbox` (`to`,`created_at`);--> statement-breakpoint
CREATE TABLE `phone_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`phone` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `phone_codes_user_purpose_idx` ON `phone_codes` (`user_id`,`purpose`);--> statement-breakpoint
CREATE INDEX `phone_codes_expires_at_idx` ON `phone_codes` (`expires_at`);--> statement-breakpoint
CREATE TABLE `user_phones` (
	`user_id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`confirmed_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_phones_phone_unique` ON `user_phones` (`phone`);