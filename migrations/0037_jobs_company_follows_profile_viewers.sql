CREATE TABLE `company_follows` (
	`user_id` text NOT NULL,
	`company_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `company_id`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `company_follows_company_idx` ON `company_follows` (`company_id`);--> statement-breakpoint
CREATE INDEX `company_follows_user_idx` ON `company_follows` (`user_id`,`created_at`,`company_id`);--> statement-breakpoint
CREATE INDEX `profile_views_profile_day_idx` ON `profile_views` (`profile_id`,`day`,`viewer_id`);