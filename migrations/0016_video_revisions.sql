ALTER TABLE `videos` ADD `revision` text;--> statement-breakpoint
ALTER TABLE `videos` ADD `revision_rejection_reason` text;