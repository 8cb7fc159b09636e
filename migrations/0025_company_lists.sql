CREATE TABLE `company_verification_events` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`kind` text NOT NULL,
	`text` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `company_verification_events_company_idx` ON `company_verification_events` (`company_id`,`id`);--> statement-breakpoint
DROP INDEX `vacancies_company_status_idx`;--> statement-breakpoint
CREATE INDEX `vacancies_company_status_idx` ON `vacancies` (`company_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `companies_verification_idx` ON `companies` (`verification`,`id`);