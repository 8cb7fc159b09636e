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
CREATE INDEX `job_applications_cv_file_idx` ON `job_applications` (`cv_file_id`);