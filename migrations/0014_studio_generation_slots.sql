ALTER TABLE `studio_dev_tasks` ADD `cancelled_at` integer;--> statement-breakpoint
ALTER TABLE `studio_models` ADD `cancel` text;--> statement-breakpoint
ALTER TABLE `studio_generations` ADD `model_id` text;--> statement-breakpoint
ALTER TABLE `studio_generations` ADD `request` text;--> statement-breakpoint
ALTER TABLE `studio_generations` ADD `provider_task_id` text;--> statement-breakpoint
ALTER TABLE `studio_generations` ADD `cancel_refused_at` integer;--> statement-breakpoint
CREATE INDEX `studio_generations_owner_idx` ON `studio_generations` (`owner_id`);