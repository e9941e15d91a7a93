-- 調達区分 not recorded stays not recorded: an import of a file without the column no
-- longer makes every machine 情報政策課配備 (the antivirus rule reads who procured it). On
-- SQLite the same change is made by rewriting the table's text (see migrate.rs).
ALTER TABLE assets ALTER COLUMN procured_by DROP NOT NULL;
