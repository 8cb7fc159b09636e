DROP INDEX `company_follows_company_idx`;--> statement-breakpoint
CREATE INDEX `company_follows_company_idx` ON `company_follows` (`company_id`,`created_at`,`user_id`);--> statement-breakpoint
ALTER TABLE `profiles` ADD `visibility` text DEFAULT 'everyone' NOT NULL;