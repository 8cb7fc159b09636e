DROP TABLE `vacancy_search_tags`;--> statement-breakpoint
DROP INDEX `vacancy_search_cell_idx`;--> statement-breakpoint
DROP INDEX `vacancy_search_coarse_cell_idx`;--> statement-breakpoint
DROP INDEX `vacancy_search_salary_idx`;
--> statement-breakpoint
-- Custom SQL (drizzle-kit generates neither virtual tables, views nor triggers). Search moves from
-- B-tree walks to posting lists: every filter value of a published vacancy becomes a token of the
-- `facets` column of two full-text indexes, so FTS5 intersects the filters itself and hands out only
-- rows that match them all. docs/jobs-board.md ("How search reads D1") describes the tokens;
-- shared/jobs/vacancies/search-facets.ts writes the queries for them and must agree with this view.
-- - vacancy_fts: rowid = seq (newest first = rowid descending).
-- - vacancy_salary_fts: vacancies with a salary; rowid = salary key = min(salary_max_year, 2^32 - 1) * 2^31 + seq
--   (best paid first = rowid descending).
-- - vacancy_geo: R*Tree of locations with the exact lat/lng as auxiliary columns (distance order).
-- Tokens: ro/em/se + hex of role, employment type, seniority; rm0/rm1 remote; vf0/vf1 verified;
-- co + hex of the company id; tg + hex of each tag; cu + currency; sx<cur>f<b>, sx<cur>c<b/8> the
-- bucket of the yearly maximum and sn<cur>f<b>, sn<cur>c<b/8> of the yearly minimum (b = how many
-- ladder values are <= the amount; the ladder grows by a quarter from 1000); gl for a location and
-- g<k>r<row>c<col> its cell at level k = 0..7 (cells of 0.0025 * 4^k degrees).
DROP TRIGGER vacancy_search_inserted;
--> statement-breakpoint
DROP TRIGGER vacancy_search_deleted;
--> statement-breakpoint
DROP TRIGGER vacancy_search_text_updated;
--> statement-breakpoint
DROP TRIGGER vacancy_search_keys_updated;
--> statement-breakpoint
DROP TRIGGER vacancy_search_salary_spread;
--> statement-breakpoint
DROP TRIGGER vacancy_search_salary_spread_updated;
--> statement-breakpoint
DROP TABLE vacancy_fts;
--> statement-breakpoint
DELETE FROM vacancy_search_counts;
--> statement-breakpoint
CREATE VIRTUAL TABLE vacancy_fts USING fts5(title, description, tags, facets, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE vacancy_salary_fts USING fts5(title, description, tags, facets, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE vacancy_geo USING rtree(seq, south, north, west, east, +lat, +lng);
--> statement-breakpoint
CREATE VIEW vacancy_search_facets AS
SELECT s.seq AS seq,
  CASE WHEN s.salary_currency IS NULL THEN NULL ELSE min(s.salary_max_year, 4294967295) * 2147483648 + s.seq END AS salary_key,
  'ro' || lower(hex(s.role)) || ' em' || lower(hex(s.employment_type)) || ' se' || lower(hex(s.seniority))
  || ' rm' || s.remote || ' vf' || s.verified || ' co' || lower(hex(s.company_id))
  || coalesce((SELECT ' ' || group_concat('tg' || lower(hex(t.value)), ' ') FROM json_each(s.tags) t), '')
  || CASE WHEN s.salary_currency IS NULL THEN '' ELSE
       ' cu' || lower(s.salary_currency)
       || ' sx' || lower(s.salary_currency) || 'f' || (SELECT count(*) FROM json_each('[1000,1250,1562,1952,2440,3050,3812,4765,5956,7445,9306,11632,14540,18175,22718,28397,35496,44370,55462,69327,86658,108322,135402,169252,211565,264456,330570,413212,516515,645643,807053,1008816,1261020,1576275,1970343,2462928,3078660,3848325,4810406,6013007,7516258,9395322,11744152,14680190,18350237,22937796,28672245,35840306,44800382,56000477,70000596,87500745,109375931,136719913,170899891,213624863,267031078,333788847,417236058,521545072,651931340,814914175,1018642718,1273303397,1591629246,1989536557,2486920696,3108650870,3885813587,4857266983,6071583728,7589479660,9486849575,11858561968,14823202460,18529003075,23161253843,28951567303,36189459128,45236823910,56546029887,70682537358,88353171697,110441464621,138051830776,172564788470,215705985587,269632481983,337040602478,421300753097,526625941371,658282426713,822853033391,1028566291738,1285707864672,1607134830840,2008918538550,2511148173187]') l WHERE l.value <= s.salary_max_year)
       || ' sx' || lower(s.salary_currency) || 'c' || ((SELECT count(*) FROM json_each('[1000,1250,1562,1952,2440,3050,3812,4765,5956,7445,9306,11632,14540,18175,22718,28397,35496,44370,55462,69327,86658,108322,135402,169252,211565,264456,330570,413212,516515,645643,807053,1008816,1261020,1576275,1970343,2462928,3078660,3848325,4810406,6013007,7516258,9395322,11744152,14680190,18350237,22937796,28672245,35840306,44800382,56000477,70000596,87500745,109375931,136719913,170899891,213624863,267031078,333788847,417236058,521545072,651931340,814914175,1018642718,1273303397,1591629246,1989536557,2486920696,3108650870,3885813587,4857266983,6071583728,7589479660,9486849575,11858561968,14823202460,18529003075,23161253843,28951567303,36189459128,45236823910,56546029887,70682537358,88353171697,110441464621,138051830776,172564788470,215705985587,269632481983,337040602478,421300753097,526625941371,658282426713,822853033391,1028566291738,1285707864672,1607134830840,2008918538550,2511148173187]') l WHERE l.value <= s.salary_max_year) >> 3)
       || ' sn' || lower(s.salary_currency) || 'f' || (SELECT count(*) FROM json_each('[1000,1250,1562,1952,2440,3050,3812,4765,5956,7445,9306,11632,14540,18175,22718,28397,35496,44370,55462,69327,86658,108322,135402,169252,211565,264456,330570,413212,516515,645643,807053,1008816,1261020,1576275,1970343,2462928,3078660,3848325,4810406,6013007,7516258,9395322,11744152,14680190,18350237,22937796,28672245,35840306,44800382,56000477,70000596,87500745,109375931,136719913,170899891,213624863,267031078,333788847,417236058,521545072,651931340,814914175,1018642718,1273303397,1591629246,1989536557,2486920696,3108650870,3885813587,4857266983,6071583728,7589479660,9486849575,11858561968,14823202460,18529003075,23161253843,28951567303,36189459128,45236823910,56546029887,70682537358,88353171697,110441464621,138051830776,172564788470,215705985587,269632481983,337040602478,421300753097,526625941371,658282426713,822853033391,1028566291738,1285707864672,1607134830840,2008918538550,2511148173187]') l WHERE l.value <= s.salary_min_year)
       || ' sn' || lower(s.salary_currency) || 'c' || ((SELECT count(*) FROM json_each('[1000,1250,1562,1952,2440,3050,3812,4765,5956,7445,9306,11632,14540,18175,22718,28397,35496,44370,55462,69327,86658,108322,135402,169252,211565,264456,330570,413212,516515,645643,807053,1008816,1261020,1576275,1970343,2462928,3078660,3848325,4810406,6013007,7516258,9395322,11744152,14680190,18350237,22937796,28672245,35840306,44800382,56000477,70000596,87500745,109375931,136719913,170899891,213624863,267031078,333788847,417236058,521545072,651931340,814914175,1018642718,1273303397,1591629246,1989536557,2486920696,3108650870,3885813587,4857266983,6071583728,7589479660,9486849575,11858561968,14823202460,18529003075,23161253843,28951567303,36189459128,45236823910,56546029887,70682537358,88353171697,110441464621,138051830776,172564788470,215705985587,269632481983,337040602478,421300753097,526625941371,658282426713,822853033391,1028566291738,1285707864672,1607134830840,2008918538550,2511148173187]') l WHERE l.value <= s.salary_min_year) >> 3)
     END
  || CASE WHEN s.lat IS NULL OR s.lng IS NULL THEN '' ELSE
       ' gl ' || (SELECT group_concat('g' || k.value || 'r' || (min(71999, max(0, cast(floor((s.lat + 90) / 0.0025) AS integer))) >> (2 * k.value))
                                       || 'c' || (min(143999, max(0, cast(floor((s.lng + 180) / 0.0025) AS integer))) >> (2 * k.value)), ' ')
                  FROM json_each('[0,1,2,3,4,5,6,7]') k)
     END AS facets
FROM vacancy_search s;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_inserted AFTER INSERT ON vacancy_search BEGIN
  INSERT INTO vacancy_fts(rowid, title, description, tags, facets) SELECT NEW.seq, NEW.title, NEW.description, NEW.tags_text, f.facets FROM vacancy_search_facets f WHERE f.seq = NEW.seq;
  INSERT INTO vacancy_salary_fts(rowid, title, description, tags, facets) SELECT f.salary_key, NEW.title, NEW.description, NEW.tags_text, f.facets FROM vacancy_search_facets f WHERE f.seq = NEW.seq AND f.salary_key IS NOT NULL;
  INSERT INTO vacancy_geo(seq, south, north, west, east, lat, lng) SELECT NEW.seq, NEW.lat, NEW.lat, NEW.lng, NEW.lng, NEW.lat, NEW.lng WHERE NEW.lat IS NOT NULL AND NEW.lng IS NOT NULL;
  INSERT INTO vacancy_search_counts(key, n)
    SELECT value, 1 FROM json_each(json_array('all', 'cell:' || NEW.coarse_cell, 'region:' || ((NEW.coarse_cell / 1800) / 10 * 180 + (NEW.coarse_cell % 1800) / 10))) WHERE value IS NOT NULL
    ON CONFLICT(key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_deleted AFTER DELETE ON vacancy_search BEGIN
  DELETE FROM vacancy_fts WHERE rowid = OLD.seq;
  DELETE FROM vacancy_salary_fts WHERE OLD.salary_currency IS NOT NULL AND rowid = min(OLD.salary_max_year, 4294967295) * 2147483648 + OLD.seq;
  DELETE FROM vacancy_geo WHERE seq = OLD.seq;
  UPDATE vacancy_search_counts SET n = n - 1 WHERE key IN (
    SELECT value FROM json_each(json_array('all', 'cell:' || OLD.coarse_cell, 'region:' || ((OLD.coarse_cell / 1800) / 10 * 180 + (OLD.coarse_cell % 1800) / 10))) WHERE value IS NOT NULL
  );
END;
--> statement-breakpoint
CREATE TRIGGER vacancy_search_updated AFTER UPDATE OF title, description, tags_text, tags, role, employment_type, seniority, remote, verified, company_id,
  salary_currency, salary_min_year, salary_max_year, lat, lng, cell, coarse_cell ON vacancy_search BEGIN
  DELETE FROM vacancy_fts WHERE rowid = OLD.seq;
  DELETE FROM vacancy_salary_fts WHERE OLD.salary_currency IS NOT NULL AND rowid = min(OLD.salary_max_year, 4294967295) * 2147483648 + OLD.seq;
  DELETE FROM vacancy_geo WHERE seq = OLD.seq;
  INSERT INTO vacancy_fts(rowid, title, description, tags, facets) SELECT NEW.seq, NEW.title, NEW.description, NEW.tags_text, f.facets FROM vacancy_search_facets f WHERE f.seq = NEW.seq;
  INSERT INTO vacancy_salary_fts(rowid, title, description, tags, facets) SELECT f.salary_key, NEW.title, NEW.description, NEW.tags_text, f.facets FROM vacancy_search_facets f WHERE f.seq = NEW.seq AND f.salary_key IS NOT NULL;
  INSERT INTO vacancy_geo(seq, south, north, west, east, lat, lng) SELECT NEW.seq, NEW.lat, NEW.lat, NEW.lng, NEW.lng, NEW.lat, NEW.lng WHERE NEW.lat IS NOT NULL AND NEW.lng IS NOT NULL;
  UPDATE vacancy_search_counts SET n = n - 1 WHERE key IN (
    SELECT value FROM json_each(json_array('cell:' || OLD.coarse_cell, 'region:' || ((OLD.coarse_cell / 1800) / 10 * 180 + (OLD.coarse_cell % 1800) / 10))) WHERE value IS NOT NULL
  );
  INSERT INTO vacancy_search_counts(key, n)
    SELECT value, 1 FROM json_each(json_array('cell:' || NEW.coarse_cell, 'region:' || ((NEW.coarse_cell / 1800) / 10 * 180 + (NEW.coarse_cell % 1800) / 10))) WHERE value IS NOT NULL
    ON CONFLICT(key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
-- Index what is published already: the insert trigger does it for every row moved back in.
CREATE TABLE vacancy_search_moving AS SELECT * FROM vacancy_search;
--> statement-breakpoint
DELETE FROM vacancy_search;
--> statement-breakpoint
INSERT INTO vacancy_search SELECT * FROM vacancy_search_moving ORDER BY seq;
--> statement-breakpoint
DROP TABLE vacancy_search_moving;
