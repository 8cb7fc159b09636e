-- Name search of the people directory (GET /v1/people?q=): derived from users by the triggers
-- below, one row per user with the user's rowid. The unicode61 tokenizer folds case and
-- diacritics for every script ("ма" finds "Мама"), which LIKE and lower() do only for ASCII.
CREATE VIRTUAL TABLE `user_name_search` USING fts5(`display_name`, tokenize = 'unicode61 remove_diacritics 2');--> statement-breakpoint
INSERT INTO `user_name_search` (rowid, display_name) SELECT rowid, display_name FROM `users`;--> statement-breakpoint
CREATE TRIGGER `users_name_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `user_name_search` (rowid, display_name) VALUES (new.rowid, new.display_name);
END;--> statement-breakpoint
CREATE TRIGGER `users_name_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `user_name_search` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `users_name_search_update` AFTER UPDATE OF `display_name` ON `users` BEGIN
  UPDATE `user_name_search` SET display_name = new.display_name WHERE rowid = new.rowid;
END;
