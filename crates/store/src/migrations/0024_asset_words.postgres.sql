-- Word search through an index: pg_trgm (contrib; a trusted extension, so the database's
-- owner may create it) indexes every three characters of the text a word is searched in,
-- and answers LIKE '%word%' from the index. The expression is the one list.rs searches,
-- character for character: the planner uses the index only for the same expression.
-- Japanese is indexed only when the database's LC_CTYPE is a UTF-8 locale (pg_trgm keeps
-- letters and digits as its locale says; under C a kanji is neither): the result is the
-- same either way, only its speed differs (Db::connect warns).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX assets_words ON assets USING gin (
    LOWER(asset_tag || ' ' || name || ' ' || COALESCE(maker, '') || ' '
        || COALESCE(model, '') || ' ' || COALESCE(serial, '')) gin_trgm_ops
);
