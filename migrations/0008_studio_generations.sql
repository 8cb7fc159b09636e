CREATE TABLE `studio_generations` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`token` text NOT NULL,
	`output` text,
	`last_error` text,
	`deadline_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `studio_generations_deadline_idx` ON `studio_generations` (`deadline_at`);--> statement-breakpoint
CREATE INDEX `studio_generations_updated_idx` ON `studio_generations` (`updated_at`);