-- 所有区分 and 調達区分 not recorded stay not recorded: an import of a file without the
-- columns no longer makes every machine 自己所有 and 情報政策課配備 (the rules read whose it
-- is and who bought it). On SQLite the same change is made by rewriting the table's text
-- (see migrate.rs).
ALTER TABLE assets ALTER COLUMN ownership DROP NOT NULL;
ALTER TABLE assets ALTER COLUMN procured_by DROP NOT NULL;
