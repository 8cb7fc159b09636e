CREATE TABLE `studio_edit_configs` (
	`version` integer PRIMARY KEY NOT NULL,
	`system_prompt` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `studio_assets` ADD `edit_config_version` integer;