ALTER TABLE `files` ADD `duration_ms` integer;--> statement-breakpoint
ALTER TABLE `files` ADD `waveform` text;