CREATE TABLE `studio_dev_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`input` text NOT NULL,
	`polls` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `studio_models` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`method` text NOT NULL,
	`endpoint` text NOT NULL,
	`request_template` text NOT NULL,
	`params_schema` text NOT NULL,
	`response_mapping` text NOT NULL,
	`poll` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `studio_providers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `studio_models_provider_idx` ON `studio_models` (`provider_id`,`id`);--> statement-breakpoint
CREATE TABLE `studio_providers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`base_url` text NOT NULL,
	`auth_header_name` text,
	`auth_header_template` text,
	`secret_ref` text,
	`headers` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
