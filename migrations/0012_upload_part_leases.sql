ALTER TABLE `uploads` ADD `lease_first_part` integer;--> statement-breakpoint
ALTER TABLE `uploads` ADD `lease_last_part` integer;--> statement-breakpoint
ALTER TABLE `uploads` ADD `part_fence` integer DEFAULT 0 NOT NULL;