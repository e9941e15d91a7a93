-- Word search through an index: FTS5's trigram tokenizer (SQLite 3.34) indexes every
-- three characters of an asset's tag, name, maker, model and serial, so 図書館 finds
-- 中央図書館 and SN0042 finds a serial without reading the ledger. Contentless (the text
-- is the ledger's own) with contentless_delete (3.43) so that the triggers can delete a
-- row by its id. The row id is the asset's id. A word shorter than a trigram is looked
-- for with LIKE (list.rs).
-- A staged import's copy goes without the triggers and the table: publishing writes the
-- new rows into the ledger here, and these triggers index them once (staging.rs).
CREATE VIRTUAL TABLE asset_words USING fts5(
    words, tokenize = 'trigram', content = '', contentless_delete = 1
);
CREATE TRIGGER asset_words_insert AFTER INSERT ON assets BEGIN
    INSERT INTO asset_words (rowid, words) VALUES (NEW.id,
        NEW.asset_tag || ' ' || NEW.name || ' ' || COALESCE(NEW.maker, '') || ' '
        || COALESCE(NEW.model, '') || ' ' || COALESCE(NEW.serial, ''));
END;
CREATE TRIGGER asset_words_update AFTER UPDATE OF asset_tag, name, maker, model, serial ON assets BEGIN
    DELETE FROM asset_words WHERE rowid = OLD.id;
    INSERT INTO asset_words (rowid, words) VALUES (NEW.id,
        NEW.asset_tag || ' ' || NEW.name || ' ' || COALESCE(NEW.maker, '') || ' '
        || COALESCE(NEW.model, '') || ' ' || COALESCE(NEW.serial, ''));
END;
CREATE TRIGGER asset_words_delete AFTER DELETE ON assets BEGIN
    DELETE FROM asset_words WHERE rowid = OLD.id;
END;
INSERT INTO asset_words (rowid, words)
SELECT id, asset_tag || ' ' || name || ' ' || COALESCE(maker, '') || ' '
    || COALESCE(model, '') || ' ' || COALESCE(serial, '')
FROM assets;
