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
CREATE TABLE `job_application_events` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`note` text,
	`actor_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `job_applications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_application_events_application_idx` ON `job_application_events` (`application_id`,`id`);--> statement-breakpoint
CREATE INDEX `job_application_events_actor_idx` ON `job_application_events` (`actor_id`);--> statement-breakpoint
CREATE TABLE `job_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`vacancy_id` text NOT NULL,
	`company_id` text NOT NULL,
	`candidate_id` text,
	`cover_letter` text DEFAULT '' NOT NULL,
	`cv_file_id` text,
	`video_id` text,
	`status` text DEFAULT 'submitted' NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`vacancy_id`) REFERENCES `vacancies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_applications_vacancy_candidate_unique` ON `job_applications` (`vacancy_id`,`candidate_id`);--> statement-breakpoint
CREATE INDEX `job_applications_candidate_idx` ON `job_applications` (`candidate_id`,`id`);--> statement-breakpoint
CREATE INDEX `job_applications_company_idx` ON `job_applications` (`company_id`,`id`);--> statement-breakpoint
CREATE INDEX `job_applications_company_status_idx` ON `job_applications` (`company_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `job_applications_vacancy_idx` ON `job_applications` (`vacancy_id`,`id`);--> statement-breakpoint
CREATE INDEX `job_applications_vacancy_status_idx` ON `job_applications` (`vacancy_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `job_applications_cv_file_idx` ON `job_applications` (`cv_file_id`);--> statement-breakpoint
CREATE TABLE `job_saved_searches` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`search` text NOT NULL,
	`digested_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `job_saved_searches_user_idx` ON `job_saved_searches` (`user_id`,`id`);--> statement-breakpoint
DROP INDEX `vacancies_company_status_idx`;--> statement-breakpoint
ALTER TABLE `vacancies` ADD `video_id` text;--> statement-breakpoint
CREATE INDEX `vacancies_company_status_idx` ON `vacancies` (`company_id`,`status`,`id`);--> statement-breakpoint
ALTER TABLE `profiles` ADD `video_id` text;--> statement-breakpoint
CREATE INDEX `companies_verification_idx` ON `companies` (`verification`,`id`);