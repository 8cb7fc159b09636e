ALTER TABLE `studio_models` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `studio_providers` ADD `active` integer DEFAULT true NOT NULL;