-- Custom SQL (drizzle-kit generates neither virtual tables nor triggers). The search index of
-- the jobs board is derived: vacancy_search rows come from published vacancies, and these
-- triggers keep the full-text index, the tag postings and the planner's counts in step with it.
-- docs/jobs-board.md: how to rebuild them (and why exports drop vacancy_fts first).
-- Counts keys: all, company:<id>, cell:<coarse cell>, region:<2° cell>, currency:<code>, tag:<tag>;
-- and spread:<code>, the widest yearly salary range (max - min) ever indexed in that currency.
CREATE VIRTUAL TABLE vacancy_fts USING fts5(title, description, tags, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER vacancy_search_inserted AFTER INSERT ON vacancy_search BEGIN
  INSERT INTO vacancy_fts(rowid, title, description, tags) VALUES (NEW.seq, NEW.title, NEW.description, NEW.tags_text);
  INSERT OR IGNORE INTO vacancy_search_tags(tag, seq) SELECT value, NEW.seq FROM json_each(NEW.tags);
  INSERT INTO vacancy_search_counts(key, n)
    SELECT key, 1 FROM (
      SELECT value AS key FROM json_each(json_array(
        'all',
        'company:' || NEW.company_id,
        'cell:' || NEW.coarse_cell,
        'region:' || ((NEW.coarse_cell / 1800) / 10 * 180 + (NEW.coarse_cell % 1800) / 10),
        'currency:' || NEW.salary_currency
      )) WHERE value IS NOT NULL
      UNION ALL SELECT 'tag:' || value FROM json_each(NEW.tags)
    ) WHERE true
    ON CONFLICT(key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_deleted AFTER DELETE ON vacancy_search BEGIN
  DELETE FROM vacancy_fts WHERE rowid = OLD.seq;
  DELETE FROM vacancy_search_tags WHERE seq = OLD.seq AND tag IN (SELECT value FROM json_each(OLD.tags));
  UPDATE vacancy_search_counts SET n = n - 1 WHERE key IN (
    SELECT value FROM json_each(json_array(
      'all',
      'company:' || OLD.company_id,
      'cell:' || OLD.coarse_cell,
      'region:' || ((OLD.coarse_cell / 1800) / 10 * 180 + (OLD.coarse_cell % 1800) / 10),
      'currency:' || OLD.salary_currency
    )) WHERE value IS NOT NULL
    UNION ALL SELECT 'tag:' || value FROM json_each(OLD.tags)
  );
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_text_updated AFTER UPDATE OF title, description, tags_text ON vacancy_search BEGIN
  DELETE FROM vacancy_fts WHERE rowid = OLD.seq;
  INSERT INTO vacancy_fts(rowid, title, description, tags) VALUES (NEW.seq, NEW.title, NEW.description, NEW.tags_text);
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_keys_updated AFTER UPDATE OF tags, company_id, coarse_cell, salary_currency ON vacancy_search BEGIN
  DELETE FROM vacancy_search_tags WHERE seq = OLD.seq AND tag IN (SELECT value FROM json_each(OLD.tags));
  INSERT OR IGNORE INTO vacancy_search_tags(tag, seq) SELECT value, NEW.seq FROM json_each(NEW.tags);
  UPDATE vacancy_search_counts SET n = n - 1 WHERE key IN (
    SELECT value FROM json_each(json_array(
      'company:' || OLD.company_id,
      'cell:' || OLD.coarse_cell,
      'region:' || ((OLD.coarse_cell / 1800) / 10 * 180 + (OLD.coarse_cell % 1800) / 10),
      'currency:' || OLD.salary_currency
    )) WHERE value IS NOT NULL
    UNION ALL SELECT 'tag:' || value FROM json_each(OLD.tags)
  );
  INSERT INTO vacancy_search_counts(key, n)
    SELECT key, 1 FROM (
      SELECT value AS key FROM json_each(json_array(
        'company:' || NEW.company_id,
        'cell:' || NEW.coarse_cell,
        'region:' || ((NEW.coarse_cell / 1800) / 10 * 180 + (NEW.coarse_cell % 1800) / 10),
        'currency:' || NEW.salary_currency
      )) WHERE value IS NOT NULL
      UNION ALL SELECT 'tag:' || value FROM json_each(NEW.tags)
    ) WHERE true
    ON CONFLICT(key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_salary_spread AFTER INSERT ON vacancy_search WHEN NEW.salary_currency IS NOT NULL BEGIN
  INSERT INTO vacancy_search_counts(key, n) VALUES ('spread:' || NEW.salary_currency, NEW.salary_max_year - NEW.salary_min_year)
    ON CONFLICT(key) DO UPDATE SET n = max(n, excluded.n);
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_salary_spread_updated AFTER UPDATE OF salary_currency, salary_min_year, salary_max_year ON vacancy_search WHEN NEW.salary_currency IS NOT NULL BEGIN
  INSERT INTO vacancy_search_counts(key, n) VALUES ('spread:' || NEW.salary_currency, NEW.salary_max_year - NEW.salary_min_year)
    ON CONFLICT(key) DO UPDATE SET n = max(n, excluded.n);
END;
