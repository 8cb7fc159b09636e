ALTER TABLE `video_reports` ADD `counts_to_hide` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `videos` ADD `counting_reports_since_review` integer DEFAULT 0 NOT NULL;