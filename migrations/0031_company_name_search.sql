-- Name search of companies (GET /v1/companies?q=): derived from companies by the triggers below,
-- one row per company with the company's rowid, folded like the people directory's
-- (unicode61 folds case and diacritics for every script).
CREATE VIRTUAL TABLE `company_name_search` USING fts5(`name`, tokenize = 'unicode61 remove_diacritics 2');--> statement-breakpoint
INSERT INTO `company_name_search` (rowid, name) SELECT rowid, name FROM `companies`;--> statement-breakpoint
CREATE TRIGGER `companies_name_search_insert` AFTER INSERT ON `companies` BEGIN
  INSERT INTO `company_name_search` (rowid, name) VALUES (new.rowid, new.name);
END;--> statement-breakpoint
CREATE TRIGGER `companies_name_search_delete` AFTER DELETE ON `companies` BEGIN
  DELETE FROM `company_name_search` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `companies_name_search_update` AFTER UPDATE OF `name` ON `companies` BEGIN
  UPDATE `company_name_search` SET name = new.name WHERE rowid = new.rowid;
END;
