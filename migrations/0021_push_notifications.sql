CREATE TABLE `chat_notification_settings` (
	`chat_id` text NOT NULL,
	`user_id` text NOT NULL,
	`level` text NOT NULL,
	`muted_until` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`chat_id`, `user_id`),
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `chat_notification_settings_user_idx` ON `chat_notification_settings` (`user_id`);--> statement-breakpoint
CREATE TABLE `notification_settings` (
	`user_id` text PRIMARY KEY NOT NULL,
	`content` text DEFAULT 'full' NOT NULL,
	`quiet_start` integer,
	`quiet_end` integer,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`calls_allowed_from` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `push_deliveries` (
	`event_id` text NOT NULL,
	`device_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`reason` text,
	`claimed_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `device_id`)
);
--> statement-breakpoint
CREATE INDEX `push_deliveries_updated_idx` ON `push_deliveries` (`updated_at`);--> statement-breakpoint
CREATE INDEX `push_deliveries_user_idx` ON `push_deliveries` (`user_id`);--> statement-breakpoint
CREATE TABLE `push_devices` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`session_id` text NOT NULL,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	`p256dh` text,
	`auth` text,
	`created_at` integer NOT NULL,
	`last_success_at` integer,
	`last_failure_at` integer,
	`last_failure_reason` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_devices_address_unique` ON `push_devices` (`address`);--> statement-breakpoint
CREATE INDEX `push_devices_user_idx` ON `push_devices` (`user_id`);--> statement-breakpoint
CREATE INDEX `push_devices_session_idx` ON `push_devices` (`session_id`);