CREATE TABLE `mls_devices` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`session_id` text NOT NULL,
	`signature_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mls_devices_session_unique` ON `mls_devices` (`session_id`);--> statement-breakpoint
CREATE INDEX `mls_devices_user_idx` ON `mls_devices` (`user_id`);--> statement-breakpoint
CREATE TABLE `mls_key_backups` (
	`user_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`blob` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `mls_key_packages` (
	`ref` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`user_id` text NOT NULL,
	`key_package` text NOT NULL,
	`last_resort` integer DEFAULT false NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_at` integer,
	`claimed_by` text,
	FOREIGN KEY (`device_id`) REFERENCES `mls_devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mls_key_packages_device_idx` ON `mls_key_packages` (`device_id`,`claimed_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `mls_key_packages_last_resort_unique` ON `mls_key_packages` (`device_id`) WHERE "mls_key_packages"."last_resort" = 1;