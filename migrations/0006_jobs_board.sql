CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`about` text DEFAULT '' NOT NULL,
	`website` text,
	`icon_file_id` text,
	`icon_url` text,
	`verification` text DEFAULT 'none' NOT NULL,
	`verification_note` text,
	`verification_reason` text,
	`verified_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `company_members` (
	`company_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `user_id`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `company_members_user_idx` ON `company_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `follows` (
	`follower_id` text NOT NULL,
	`followee_id` text NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`follower_id`, `followee_id`)
);
--> statement-breakpoint
CREATE INDEX `follows_followee_idx` ON `follows` (`followee_id`,`created_at`,`follower_id`);--> statement-breakpoint
CREATE INDEX `follows_follower_idx` ON `follows` (`follower_id`,`created_at`,`followee_id`);--> statement-breakpoint
CREATE TABLE `jobs_ai_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`company_id` text,
	`input` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`model_id` text NOT NULL,
	`provider_task_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`result` text,
	`vacancy_id` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_ai_tasks_user_idx` ON `jobs_ai_tasks` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `profile_views` (
	`profile_id` text NOT NULL,
	`viewer_id` text NOT NULL,
	`day` text NOT NULL,
	`token` text NOT NULL,
	PRIMARY KEY(`profile_id`, `viewer_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `profile_views_day_idx` ON `profile_views` (`day`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`headline` text DEFAULT '' NOT NULL,
	`bio` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`lat` real,
	`lng` real,
	`place` text,
	`links` text DEFAULT '[]' NOT NULL,
	`follower_count` integer DEFAULT 0 NOT NULL,
	`following_count` integer DEFAULT 0 NOT NULL,
	`view_count` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vacancies` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`role` text NOT NULL,
	`employment_type` text NOT NULL,
	`seniority` text NOT NULL,
	`salary_min` integer,
	`salary_max` integer,
	`salary_currency` text,
	`salary_period` text,
	`salary_min_year` integer,
	`salary_max_year` integer,
	`remote` integer DEFAULT false NOT NULL,
	`lat` real,
	`lng` real,
	`place` text,
	`cell` integer,
	`coarse_cell` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`publish_at` integer,
	`published_at` integer,
	`closed_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vacancies_company_status_idx` ON `vacancies` (`company_id`,`status`);--> statement-breakpoint
CREATE INDEX `vacancies_status_publish_at_idx` ON `vacancies` (`status`,`publish_at`);--> statement-breakpoint
CREATE TABLE `vacancy_search` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vacancy_id` text NOT NULL,
	`company_id` text NOT NULL,
	`verified` integer NOT NULL,
	`role` text NOT NULL,
	`employment_type` text NOT NULL,
	`seniority` text NOT NULL,
	`remote` integer NOT NULL,
	`salary_currency` text,
	`salary_min_year` integer,
	`salary_max_year` integer,
	`lat` real,
	`lng` real,
	`cell` integer,
	`coarse_cell` integer,
	`tags` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`tags_text` text NOT NULL,
	`published_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vacancy_search_vacancy_unique` ON `vacancy_search` (`vacancy_id`);--> statement-breakpoint
CREATE INDEX `vacancy_search_company_idx` ON `vacancy_search` (`company_id`);--> statement-breakpoint
CREATE INDEX `vacancy_search_cell_idx` ON `vacancy_search` (`cell`,`lat`,`lng`);--> statement-breakpoint
CREATE INDEX `vacancy_search_coarse_cell_idx` ON `vacancy_search` (`coarse_cell`,`lat`,`lng`);--> statement-breakpoint
CREATE INDEX `vacancy_search_salary_idx` ON `vacancy_search` (`salary_currency`,`salary_max_year`);--> statement-breakpoint
CREATE TABLE `vacancy_search_counts` (
	`key` text PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vacancy_search_tags` (
	`tag` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`tag`, `seq`)
);
