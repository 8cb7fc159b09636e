ALTER TABLE `profiles` ADD `video_id` text;--> statement-breakpoint
ALTER TABLE `vacancies` ADD `video_id` text;